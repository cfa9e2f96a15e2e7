#!/usr/bin/env node
// Releases every workspace package at one version (they are versioned together):
//   node tools/release.mjs <version|patch|minor|major> [--dry-run]
// sets each package's version and its @sparse-ternary/* dependencies to the new version, moves
// CHANGELOG.md's Unreleased entry under it, refreshes package-lock.json, commits, tags
// v<version> and runs `npm publish --workspaces` (access public). --dry-run writes nothing: it
// prints the plan and runs `npm publish --workspaces --dry-run` on the current builds.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root, workspaceDirs } from './lib/workspaces.mjs';

const SCOPE = '@sparse-ternary/';
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** The version after `current` for a bump keyword, or `wanted` itself when it is a version. */
export function nextVersion(current, wanted) {
  const [major, minor, patch] = current.split('.').map(Number);
  if (wanted === 'major') return `${major + 1}.0.0`;
  if (wanted === 'minor') return `${major}.${minor + 1}.0`;
  if (wanted === 'patch') return `${major}.${minor}.${patch + 1}`;
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(wanted)) throw new Error(`'${wanted}' is neither a version (1.2.3) nor major, minor or patch`);
  return wanted;
}

/** Each manifest at `version`, with every dependency on a workspace package pinned to it. */
export function versionManifests(manifests, version) {
  return manifests.map((manifest) => {
    const updated = { ...manifest, version };
    for (const field of DEPENDENCY_FIELDS) {
      if (!manifest[field]) continue;
      updated[field] = Object.fromEntries(Object.entries(manifest[field]).map(([name, range]) => [name, name.startsWith(SCOPE) ? version : range]));
    }
    return updated;
  });
}

/** CHANGELOG.md with its Unreleased entry under `## <version> - <date>` and a new empty Unreleased. */
export function releaseChangelog(text, version, date) {
  const match = /^## Unreleased\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text);
  if (!match || !match[1].trim()) throw new Error('CHANGELOG.md has no Unreleased entry to release: say what changed first');
  return `${text.slice(0, match.index)}## Unreleased\n\n## ${version} - ${date}\n${match[1]}${text.slice(match.index + match[0].length)}`;
}

function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new Error('usage: node tools/release.mjs <version|patch|minor|major> [--dry-run]');
  const dryRun = values['dry-run'];
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
  if (!dryRun && git('status', '--porcelain').trim()) throw new Error('the working tree has uncommitted changes: commit or stash them first');

  const dirs = workspaceDirs();
  const manifests = dirs.map((dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')));
  const current = new Set(manifests.map((m) => m.version));
  if (current.size !== 1) throw new Error(`the packages are at several versions (${[...current].join(', ')}); they are released together`);
  const version = nextVersion([...current][0], positionals[0]);
  const updated = versionManifests(manifests, version);
  const changelogFile = path.join(root, 'CHANGELOG.md');
  const changelog = releaseChangelog(readFileSync(changelogFile, 'utf8'), version, new Date().toISOString().slice(0, 10));

  for (const [i, manifest] of updated.entries()) {
    const internal = DEPENDENCY_FIELDS.flatMap((field) => Object.keys(manifest[field] ?? {}).filter((name) => name.startsWith(SCOPE)));
    console.log(`${manifest.name}: ${manifests[i].version} -> ${version}${internal.length ? ` (${internal.length} @sparse-ternary dependencies -> ${version})` : ''}`);
  }
  console.log(`CHANGELOG.md: Unreleased -> ## ${version}`);
  if (dryRun) {
    const published = execFileSync('npm', ['publish', '--workspaces', '--dry-run', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    console.log(published.trim());
    console.log(`dry run: nothing written; a release would tag v${version} and publish ${updated.length} packages`);
    return;
  }
  updated.forEach((manifest, i) => writeFileSync(path.join(dirs[i], 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`));
  writeFileSync(changelogFile, changelog);
  execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  git('commit', '-am', `release v${version}`);
  git('tag', `v${version}`);
  execFileSync('npm', ['publish', '--workspaces', '--ignore-scripts'], { cwd: root, stdio: 'inherit' });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  try {
    main();
  } catch (error) {
    console.error(`release: ${error.message}`);
    process.exit(1);
  }
}
