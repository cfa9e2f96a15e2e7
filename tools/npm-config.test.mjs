// The workspace's npm settings are ones npm knows: an unknown .npmrc key makes every npm command
// (each `npm run` that Nx starts for a build) warn that it "will stop working in the next major version".
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import test from 'node:test';
import { root } from './lib/workspaces.mjs';

test('npm in the workspace reads its .npmrc without warnings, and skips dependencies\' install scripts', () => {
  const result = spawnSync('npm', ['config', 'get', 'ignore-scripts'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stderr.split('\n').filter((line) => /npm warn/i.test(line)), []);
  assert.equal(result.stdout.trim(), 'true');
});
