// node --test tools/release.test.mjs: the release command's plan, and a dry run that writes nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { root, workspaceDirs } from './lib/workspaces.mjs';
import { nextVersion, releaseChangelog, versionManifests } from './release.mjs';

const workspaceCount = workspaceDirs().length;

test('nextVersion bumps by keyword, takes an explicit version, and refuses anything else', () => {
  assert.equal(nextVersion('0.1.9', 'patch'), '0.1.10');
  assert.equal(nextVersion('0.1.9', 'minor'), '0.2.0');
  assert.equal(nextVersion('0.1.9', 'major'), '1.0.0');
  assert.equal(nextVersion('0.1.9', '1.0.0-rc.1'), '1.0.0-rc.1');
  assert.throws(() => nextVersion('0.1.9', 'v2'), /'v2' is neither a version/);
});

test('versionManifests moves every package and its workspace dependencies together, and nothing else', () => {
  const [engine, retrain] = versionManifests(
    [
      { name: '@sparse-ternary/engine', version: '0.1.0', peerDependencies: { '@tensorflow/tfjs-core': '^4.20.0' } },
      { name: '@sparse-ternary/retrain', version: '0.1.0', dependencies: { '@sparse-ternary/engine': '0.1.0', 'chart.js': '4.6.1' }, devDependencies: { '@sparse-ternary/models': '0.1.0' } },
    ],
    '0.2.0',
  );
  assert.deepEqual(engine, { name: '@sparse-ternary/engine', version: '0.2.0', peerDependencies: { '@tensorflow/tfjs-core': '^4.20.0' } });
  assert.deepEqual(retrain.dependencies, { '@sparse-ternary/engine': '0.2.0', 'chart.js': '4.6.1' });
  assert.deepEqual(retrain.devDependencies, { '@sparse-ternary/models': '0.2.0' });
});

test('releaseChangelog moves the Unreleased entry under the version and refuses an empty one', () => {
  const text = '# Changelog\n\n## Unreleased\n\n- a fix\n\n## 0.1.0 - 2026-11-30\n\nfirst\n';
  assert.equal(releaseChangelog(text, '0.2.0', '2026-12-01'), '# Changelog\n\n## Unreleased\n\n## 0.2.0 - 2026-12-01\n\n- a fix\n\n## 0.1.0 - 2026-11-30\n\nfirst\n');
  assert.throws(() => releaseChangelog('# Changelog\n\n## Unreleased\n\n## 0.1.0\n', '0.2.0', 'x'), /no Unreleased entry/);
});

test('a dry run plans every workspace package, publishes nothing and changes no file', () => {
  const before = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
  const output = execFileSync(process.execPath, [path.join(root, 'tools/release.mjs'), 'minor', '--dry-run'], { cwd: root, encoding: 'utf8' });
  const planned = output.split('\n').filter((line) => /^@sparse-ternary\/[a-z-]+: \S+ -> \S+/.test(line));
  const published = output.split('\n').filter((line) => line.startsWith('+ @sparse-ternary/'));
  assert.equal(planned.length, workspaceCount);
  assert.equal(published.length, workspaceCount);
  assert.match(output, new RegExp(`dry run: nothing written; a release would tag v\\d+\\.\\d+\\.0 and publish ${workspaceCount} packages`));
  assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }), before);
});
