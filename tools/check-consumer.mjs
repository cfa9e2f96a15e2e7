#!/usr/bin/env node
// The packages as a user of npm gets them: packs every workspace package, installs the tarballs
// into a new app folder that already has TF.js (an older 4.x and the workspace's own), and checks
//  - that npm keeps one copy of tfjs-core, the app's own (TF.js is a peer dependency);
//  - that every package README's first example type-checks under moduleResolution NodeNext and
//    Bundler with skipLibCheck off (so no published .d.ts reaches into another package's dist/);
//  - that every example runs, and the onnx example's compress gives the same accuracy and
//    sparsity on both TF.js versions;
//  - that the CLI's bin runs from the tarball (npx sparse-ternary --version);
//  - that @sparse-ternary/runtime installs alone (no other package) and loads.
// Needs the builds (npm run build) and the npm registry (or its cache) for TF.js.
//   node tools/check-consumer.mjs [--tfjs 4.20.0,4.22.0] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './lib/workspaces.mjs';

const workspaceManifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const { values: args } = parseArgs({
  options: {
    tfjs: { type: 'string', default: `4.20.0,${workspaceManifest.devDependencies['@tensorflow/tfjs-core']}` },
    keep: { type: 'boolean', default: false },
  },
});
const versions = args.tfjs.split(',');
const work = mkdtempSync(path.join(os.tmpdir(), 'st-consumer-'));
const problems = [];
const run = (command, commandArgs, cwd, env = {}) =>
  execFileSync(command, commandArgs, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
// The setting the READMEs document for onnxruntime-node's install script (no CUDA download), in
// the form npm keeps supporting: an environment variable that script reads, not an .npmrc key.
const INSTALL_ENV = { ONNXRUNTIME_NODE_INSTALL: 'skip' };
/** npm in `cwd`; what it warns about our setup is a problem (it warns of .npmrc keys it does not know). */
function npm(commandArgs, cwd) {
  const result = spawnSync('npm', [...commandArgs, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, encoding: 'utf8', env: { ...process.env, ...INSTALL_ENV }, maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`npm ${commandArgs.join(' ')} exited ${result.status}:\n${result.stderr}`);
  const warnings = result.stderr.split('\n').filter((line) => /Unknown \w+ config/.test(line));
  if (warnings.length) problems.push(`npm ${commandArgs[0]} warns:\n${[...new Set(warnings)].join('\n')}`);
  return result.stdout;
}

/** Every tfjs-core installed under `dir`, as "version at path". */
function tfjsCoreCopies(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const child = path.join(dir, entry.name);
    if (child.endsWith(path.join('@tensorflow', 'tfjs-core'))) found.push(`${JSON.parse(readFileSync(path.join(child, 'package.json'), 'utf8')).version} at ${path.relative(work, child)}`);
    else tfjsCoreCopies(child, found);
  }
  return found;
}

/** The first ```ts block of a README: the package's runnable example. */
const firstExample = (readme) => /```ts\n([\s\S]*?)```/.exec(readme)?.[1];

/**
 * The type errors tsc reports in the examples and in this project's declarations. TF.js 4.x's own
 * .d.ts files do not pass strict checking (TS2411 on its Keras configs, an undeclared Long), so
 * errors located in other packages are left to them.
 */
function typeErrors(typecheck) {
  try {
    typecheck();
    return [];
  } catch (error) {
    const located = `${error.stdout}`.split('\n').filter((line) => /^\S+\(\d+,\d+\): error TS/.test(line));
    const ours = located.filter((line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/@sparse-ternary/'));
    return ours.length || located.length ? ours : [`${error.stdout}${error.stderr}`];
  }
}

const tsconfig = (module, moduleResolution, extra) => ({
  compilerOptions: { target: 'ES2022', module, moduleResolution, lib: ['ES2022', 'DOM'], types: ['node'], strict: true, skipLibCheck: false, ...extra },
  include: ['examples'],
});

try {
  const tarballs = path.join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = JSON.parse(run('npm', ['pack', '--workspaces', '--json', '--ignore-scripts', '--pack-destination', tarballs], root));
  const files = packed.map((p) => path.join(tarballs, p.filename));

  // What the examples read: a PyTorch export and Fashion-MNIST by name (the committed slice).
  const data = path.join(work, 'data');
  cpSync(path.join(root, 'fixtures/fashion-mnist-1k'), path.join(data, 'fashion-mnist'), { recursive: true });

  const results = new Map();
  for (const version of versions) {
    const app = path.join(work, `app-tfjs-${version}`);
    mkdirSync(path.join(app, 'examples'), { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `consumer-${version}`, private: true, type: 'module' }));
    // The app has its TF.js first; then it adds the toolkit.
    npm(['install', `@tensorflow/tfjs@${version}`, `typescript@${workspaceManifest.devDependencies.typescript}`, `@types/node@${workspaceManifest.devDependencies['@types/node']}`], app);
    npm(['install', ...files], app);

    const copies = tfjsCoreCopies(path.join(app, 'node_modules'));
    if (copies.length !== 1 || !copies[0].startsWith(`${version} `)) problems.push(`tfjs ${version}: tfjs-core installed ${copies.length} times (${copies.join('; ')})`);

    const examples = [];
    for (const { name } of packed) {
      const example = firstExample(readFileSync(path.join(app, 'node_modules', name, 'README.md'), 'utf8'));
      if (!example) continue;
      const file = `${name.split('/')[1]}.ts`;
      writeFileSync(path.join(app, 'examples', file), `${example}\nexport {};\n`);
      examples.push(file);
    }
    const tsc = path.join(app, 'node_modules/typescript/bin/tsc');
    for (const [label, config] of [
      ['Bundler', tsconfig('ESNext', 'Bundler', { noEmit: true })],
      ['NodeNext', tsconfig('NodeNext', 'NodeNext', { outDir: 'built' })],
    ]) {
      writeFileSync(path.join(app, `tsconfig.${label}.json`), JSON.stringify(config));
      const ours = typeErrors(() => run(process.execPath, [tsc, '-p', `tsconfig.${label}.json`], app));
      if (ours.length) problems.push(`tfjs ${version}: the README examples do not type-check under moduleResolution ${label}:\n${ours.join('\n')}`);
    }

    const cwd = path.join(app, 'run');
    mkdirSync(cwd);
    cpSync(path.join(root, 'fixtures/models/mlp.onnx'), path.join(cwd, 'model.onnx'));
    for (const file of examples) {
      try {
        const output = run(process.execPath, [path.join(app, 'built', file.replace(/\.ts$/, '.js'))], cwd, { SPARSE_TERNARY_DATA: data });
        if (file === 'onnx.ts') results.set(version, output.trim().split('\n').at(-1));
      } catch (error) {
        problems.push(`tfjs ${version}: the ${file} README example fails:\n${error.stderr || error.message}`);
      }
    }
    try {
      const shown = run('npx', ['--no-install', 'sparse-ternary', '--version'], app).trim();
      if (shown !== JSON.parse(readFileSync(path.join(root, 'apps/cli/package.json'), 'utf8')).version) problems.push(`tfjs ${version}: sparse-ternary --version printed '${shown}'`);
    } catch (error) {
      problems.push(`tfjs ${version}: the sparse-ternary bin does not run from the tarball: ${error.stderr || error.message}`);
    }
    console.log(`tfjs ${version}: ${copies.length} tfjs-core (${copies.join('; ')}); ${examples.length} README examples; compress ${results.get(version) ?? '(no result)'}`);
  }
  // The runtime alone, as a web or edge app installs it: nothing else comes with it, and it loads.
  const alone = path.join(work, 'app-runtime-alone');
  mkdirSync(alone);
  writeFileSync(path.join(alone, 'package.json'), JSON.stringify({ name: 'consumer-runtime', private: true, type: 'module' }));
  npm(['install', files.find((f) => path.basename(f).startsWith('sparse-ternary-runtime-'))], alone);
  const installed = readdirSync(path.join(alone, 'node_modules'), { recursive: true }).filter((p) => String(p).endsWith('package.json') && String(p).split(path.sep).length <= 3);
  if (installed.join() !== path.join('@sparse-ternary', 'runtime', 'package.json')) problems.push(`the runtime alone installs more than itself: ${installed.join(', ')}`);
  const loads = run(process.execPath, ['--input-type=module', '-e', "const r = await import('@sparse-ternary/runtime'); console.log(typeof r.load)"], alone).trim();
  if (loads !== 'function') problems.push(`the runtime alone does not load: ${loads}`);
  console.log(`runtime alone: installs ${installed.length} package, loads`);
  if (new Set(results.values()).size > 1) problems.push(`compress differs between TF.js versions: ${[...results].map(([v, r]) => `${v} ${r}`).join(' / ')}`);
} finally {
  if (args.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`consumer: the packed tarballs install beside TF.js ${versions.join(' and ')} with one tfjs-core, the README examples type-check (NodeNext, Bundler) and run, compress agrees`);
