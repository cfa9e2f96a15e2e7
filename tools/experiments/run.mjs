// Runs an experiment plan (plans/<name>.json) through the sparse-ternary CLI, one run after the
// other, into out/experiments/<name>/<run>/. A run whose report.json exists is skipped, so an
// interrupted plan continues where it stopped. Each run's command line, commit and wall time go to
// its run-meta.json, which tools/experiments/summarize.mjs reads.
//
//   npm run build:cli   (or npx nx run @sparse-ternary/cli:build)
//   node tools/experiments/run.mjs tools/experiments/plans/mnist-lfc.json [--only name,name]
//
// While the file out/experiments/PAUSE exists, no new run starts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'apps/cli/dist/main.js');
const [planFile, ...rest] = process.argv.slice(2);
if (!planFile) {
  console.error('usage: node tools/experiments/run.mjs <plan.json> [--only run,run]');
  process.exit(2);
}
const onlyIndex = rest.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(rest[onlyIndex + 1].split(',')) : undefined;
const readPlan = () => JSON.parse(readFileSync(planFile, 'utf8'));
const planDir = path.join(root, 'out/experiments', readPlan().name);
if (!existsSync(cli)) throw new Error(`${cli} is missing: build the CLI first (npx nx run @sparse-ternary/cli:build)`);

/** A plan's arguments with {pretrained} (the pretraining run's float model.onnx) filled in. */
const expand = (args) => args.map((a) => a.replace('{pretrained}', path.join(planDir, 'pretrain/model.onnx')));

const runsOf = (plan) => [...(plan.pretrain ? [{ name: 'pretrain', args: plan.pretrain }] : []), ...plan.runs.map((r) => ({ ...r, args: [...plan.common, ...r.args] }))];
const done = (run) => existsSync(path.join(planDir, run.name, 'report.json'));

// A file out/experiments/PAUSE holds the next run back (for a benchmark that needs quiet cores).
const pauseFile = path.join(root, 'out/experiments/PAUSE');

// The plan is read again before each run, so runs can be added or reordered while it goes.
for (;;) {
  while (existsSync(pauseFile)) await new Promise((resolve) => setTimeout(resolve, 5000));
  const plan = readPlan();
  const run = runsOf(plan).find((r) => (!only || only.has(r.name)) && !done(r));
  if (!run) break;
  const out = path.join(planDir, run.name);
  mkdirSync(out, { recursive: true });
  const args = [...expand(run.args), '--quiet', '-o', out];
  const started = Date.now();
  console.log(`${run.name}: sparse-ternary ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  const seconds = (Date.now() - started) / 1000;
  if (result.status !== 0) {
    console.error(`${run.name} failed (exit ${result.status}) after ${seconds.toFixed(0)} s:\n${result.stderr}`);
    process.exit(1);
  }
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const meta = { plan: plan.name, run: run.name, command: `sparse-ternary ${args.join(' ').replaceAll(`${root}/`, '')}`, commit, seconds };
  writeFileSync(path.join(out, 'run-meta.json.tmp'), JSON.stringify(meta, null, 1));
  renameSync(path.join(out, 'run-meta.json.tmp'), path.join(out, 'run-meta.json'));
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  console.log(`${run.name}: test ${(100 * report.compress.accuracy).toFixed(2)}%, validation ${report.validation ? (100 * report.validation.accuracy).toFixed(2) + '%' : '-'}, sparsity ${(100 * report.compress.sparsity).toFixed(2)}%, ${seconds.toFixed(0)} s`);
}
