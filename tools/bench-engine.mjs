#!/usr/bin/env node
// Engine benchmark: training throughput (samples/s, Adam) of LFC at batch 100 and CNV at batch 50
// on the 'ort' and 'cpu' backends in the same run, and PyTorch CPU on the same nets when
// /usr/bin/python3 can import torch. Prints a table of samples/s and ratios.
//   node tools/bench-engine.mjs [--nets lfc,cnv] [--backends ort,cpu] [--steps N] [--cpu-steps N] [--no-torch]
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { adam, initEngine } from '@sparse-ternary/engine';
import { NETS } from './lib/nets.mjs';

const { values: args } = parseArgs({
  options: {
    nets: { type: 'string', default: 'lfc,cnv' },
    backends: { type: 'string', default: 'ort,cpu' },
    steps: { type: 'string', default: '20' },
    'cpu-steps': { type: 'string', default: '2' },
    'no-torch': { type: 'boolean', default: false },
  },
});

async function tfjsSamplesPerSecond(netName, backend, steps) {
  await initEngine({ backend, allowSpinning: process.env.ORT_SPIN === '1' });
  const net = NETS[netName];
  const model = net.build();
  model.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform([net.batch, ...net.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([net.batch], 0, 10, 'int32', 2), 10);
  await model.trainOnBatch(x, y); // warm-up: session building, allocation
  const start = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return (steps * net.batch) / seconds;
}

function torchSamplesPerSecond(netName, steps) {
  const script = fileURLToPath(new URL('./bench_torch.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script, netName, String(NETS[netName].batch), String(steps)], {
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: '2' },
    encoding: 'utf8',
  });
  if (run.status !== 0) return { error: (run.stderr || run.error?.message || 'failed').trim().split('\n').pop() };
  return { value: Number(run.stdout.trim().split('\n').pop()) };
}

const torchAvailable =
  !args['no-torch'] && spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const backends = args.backends.split(',');
const rows = [];
for (const net of args.nets.split(',')) {
  const row = { net };
  for (const backend of backends) {
    const steps = Number(backend === 'cpu' ? args['cpu-steps'] : args.steps);
    row[backend] = await tfjsSamplesPerSecond(net, backend, steps);
    console.error(`${net} ${backend}: ${row[backend].toFixed(1)} samples/s`);
  }
  if (torchAvailable) {
    const t = torchSamplesPerSecond(net, Number(args.steps));
    row.torch = t.value;
    console.error(`${net} torch: ${t.value?.toFixed(1) ?? t.error}`);
  }
  rows.push(row);
}

const fmt = (v) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(1));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');
console.log(`\nTraining throughput, Adam (samples/s); ${process.arch}, ${(await import('node:os')).availableParallelism()} cores`);
console.log('| net | batch | ' + backends.join(' | ') + ' | PyTorch CPU | ort / cpu | ort / PyTorch |');
console.log('|---|---|' + backends.map(() => '---|').join('') + '---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.net} | ${NETS[r.net].batch} | ${backends.map((b) => fmt(r[b])).join(' | ')} | ${fmt(r.torch)} | ${ratio(r.ort, r.cpu)} | ${ratio(r.ort, r.torch)} |`,
  );
}
if (!torchAvailable) console.log('\nPyTorch not measured: apt-get install python3-torch libopenblas0-pthread');
