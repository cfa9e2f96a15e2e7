#!/usr/bin/env node
// Checks that every workspace package is publishable alone: `npm pack` ships only its build
// output, bins, README, LICENSE, package.json and JSON Schemas (the CLI's config.schema.json); its metadata is in place (repository folder,
// public access, homepage, bugs, executable bins, the one version its workspace dependencies
// share); every package its source imports is declared in its own package.json; no source file
// reaches into another package by a relative path; the dependency graph has no cycles; and no file
// in the repository refers to a folder beside the clone. Exits 1 with one line per problem.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { root, workspaceDirs } from './lib/workspaces.mjs';

const problems = [];
const PROTOBUF_PACKAGES = ['onnx-proto', 'protobufjs'];
const workspaces = workspaceDirs();

const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|mts|js|mjs)$/.test(e.name) && !/\.test\.|[/\\]testing[/\\]/.test(p) ? [p] : [];
  });

const graph = new Map();
for (const dir of workspaces) {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const name = manifest.name;
  if (manifest.private) continue;
  const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }));
  graph.set(name, [...declared].filter((d) => d.startsWith('@sparse-ternary/')));

  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  for (const { path: file } of packed[0].files) {
    if (!/^(dist\/|bin\/|README\.md$|LICENSE$|package\.json$|[\w-]+\.schema\.json$)/.test(file)) problems.push(`${name}: npm pack would ship ${file}`);
  }
  const folder = path.relative(root, dir);
  if (manifest.repository?.directory !== folder) problems.push(`${name}: repository.directory is not '${folder}'`);
  if (manifest.publishConfig?.access !== 'public') problems.push(`${name}: publishConfig.access is not 'public' (a scoped package publishes as private by default)`);
  for (const field of ['description', 'license', 'homepage', 'bugs', 'keywords', 'engines']) if (!manifest[field]) problems.push(`${name}: no ${field} in package.json`);
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (dep.startsWith('@sparse-ternary/') && range !== manifest.version) problems.push(`${name}: ${field} '${dep}' is '${range}', not the version every package shares (${manifest.version})`);
    }
  }
  for (const [command, file] of Object.entries(manifest.bin ?? {})) {
    if (!packed[0].files.some((f) => f.path === file)) problems.push(`${name}: the bin '${command}' (${file}) is not in the package`);
    else if (!(statSync(path.join(dir, file)).mode & 0o111)) problems.push(`${name}: the bin '${command}' (${file}) is not executable`);
  }
  for (const required of ['README.md', 'LICENSE']) {
    if (!packed[0].files.some((f) => f.path === required)) problems.push(`${name}: npm pack ships no ${required}`);
  }

  // The public types name no protobuf types: their .d.ts need a global Long, and a consumer's
  // type check with skipLibCheck off would fail on it.
  for (const { path: file } of packed[0].files.filter((f) => /\.d\.c?ts$/.test(f.path))) {
    const types = readFileSync(path.join(dir, file), 'utf8');
    for (const protobuf of PROTOBUF_PACKAGES) if (types.includes(`'${protobuf}'`)) problems.push(`${name}: ${file} imports ${protobuf}'s types`);
  }

  for (const file of sourceFiles(path.join(dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g)) {
      if (spec.startsWith('.')) {
        if (!path.resolve(path.dirname(file), spec).startsWith(dir + path.sep)) problems.push(`${path.relative(root, file)}: relative import '${spec}' leaves the package`);
        continue;
      }
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!declared.has(pkg)) problems.push(`${path.relative(root, file)}: imports '${pkg}', not declared in ${name}'s package.json`);
    }
  }
}

// The repository stands alone: nothing in it reads a folder beside the clone (this project's CI
// has one with data; users do not).
const outside = ['..', 'shared'].join('/');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
for (const file of tracked) {
  const full = path.join(root, file);
  if (statSync(full, { throwIfNoEntry: false })?.isFile() && readFileSync(full).includes(outside)) problems.push(`${file}: refers to ${outside}, which a clone does not have`);
}

const visiting = new Set();
const done = new Set();
const visit = (name, trail) => {
  if (done.has(name)) return;
  if (visiting.has(name)) return problems.push(`dependency cycle: ${[...trail, name].join(' -> ')}`);
  visiting.add(name);
  for (const dep of graph.get(name) ?? []) visit(dep, [...trail, name]);
  visiting.delete(name);
  done.add(name);
};
for (const name of graph.keys()) visit(name, []);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`packages: ${graph.size} publishable, dependencies declared, no cross-package relative imports, no cycles; the repository refers to nothing beside it`);
