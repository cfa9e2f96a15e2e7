#!/usr/bin/env node
// Runs one experiment plan under docs/experiments as a sweep and commits what it measured beside
// it: the sweep's summary.json, summary.md and pareto.svg into the folder of the plan's name, and
// the plan's wall time into wall.json there, added up over sittings (a sweep started again
// resumes: finished runs are skipped, an interrupted one continues from its checkpoints).
//
//   node tools/experiments/run_plan.mjs docs/experiments/activations/mnist-lfc.json [--workers 2] [--threads 1]
//
// The data: $SPARSE_TERNARY_DATA (or `sparse-ternary data download <name>`). The sweep folder:
// out/<the plan's path under docs/>, without .json.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [planArgument, ...rest] = process.argv.slice(2);
const planFile = planArgument && path.relative(root, path.resolve(planArgument));
if (!planFile || !planFile.startsWith(`docs${path.sep}experiments${path.sep}`) || !planFile.endsWith('.json') || !existsSync(path.join(root, planFile))) {
  console.error('usage: node tools/experiments/run_plan.mjs docs/experiments/<...>/<plan>.json [--workers N] [--threads N]');
  process.exit(2);
}
const option = (name, fallback) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? Number(rest[i + 1]) : fallback;
};
const [workers, threads] = [option('workers', 2), option('threads', 1)];
const name = planFile.slice(0, -'.json'.length);
const out = path.join('out', path.relative('docs', name));
const docs = path.join(root, name);
const started = Date.now();

/** The summary files into the docs, and this sitting's time added to the plan's wall time. */
function record() {
  const seconds = (Date.now() - started) / 1000;
  mkdirSync(docs, { recursive: true });
  for (const file of ['summary.json', 'summary.md', 'pareto.svg']) if (existsSync(path.join(root, out, file))) copyFileSync(path.join(root, out, file), path.join(docs, file));
  const wallFile = path.join(docs, 'wall.json');
  const before = existsSync(wallFile) ? JSON.parse(readFileSync(wallFile, 'utf8')) : { seconds: 0, sittings: 0 };
  writeFileSync(wallFile, `${JSON.stringify({ seconds: Math.round(before.seconds + seconds), sittings: before.sittings + 1, workers, threads }, null, 1)}\n`);
  console.log(`${path.basename(name)}: ${(seconds / 60).toFixed(1)} min this sitting, ${((before.seconds + seconds) / 3600).toFixed(2)} h in all; summary in ${path.relative(root, docs)}`);
}

const sweep = spawn(process.execPath, ['apps/cli/dist/main.js', 'sweep', planFile, '-o', out, '--workers', String(workers), '--threads', String(threads)], { cwd: root, stdio: 'inherit' });
// Stopped (Ctrl-C, the end of a sitting): the sweep checkpoints and stops; its time still counts.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => sweep.kill(signal));
sweep.on('exit', (code) => {
  record();
  process.exit(code ?? 1);
});
