#!/usr/bin/env node
// Per-kernel time of one training step (Adam) of LFC (batch 100) or CNV (batch 50) on the given
// backends, as a markdown table: the one kept in packages/engine/README.md.
//   node tools/profile-engine.mjs --net lfc|cnv [--backends ort,cpu] [--top 25]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { adam, initEngine } from '@sparse-ternary/engine';
import { NETS } from './lib/nets.mjs';

const { values: args } = parseArgs({
  options: {
    net: { type: 'string', default: 'lfc' },
    backends: { type: 'string', default: 'ort,cpu' },
    top: { type: 'string', default: '25' },
    'ort-steps': { type: 'string', default: '5' },
  },
});

async function profileStep(backend) {
  await initEngine({ backend });
  const net = NETS[args.net];
  const model = net.build();
  model.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform([net.batch, ...net.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([net.batch], 0, 10, 'int32', 2), 10);
  // Warm-up (session building); the 'cpu' backend has none to do and a CNV step there takes minutes.
  if (backend !== 'cpu') await model.trainOnBatch(x, y);
  // The 'cpu' backend is ~100x slower: one step is enough there; the others average a few.
  const steps = backend === 'cpu' ? 1 : Number(args['ort-steps']);
  const start = performance.now();
  const info = await tf.profile(async () => {
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  });
  const wall = (performance.now() - start) / steps;
  const perKernel = new Map();
  for (const k of info.kernels) {
    if (k.name.endsWith('__op')) continue; // op-level wrappers; their kernels are counted
    const ms = await k.kernelTimeMs;
    const e = perKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += (typeof ms === 'number' ? ms : 0) / steps;
    e.calls += 1 / steps;
    perKernel.set(k.name, e);
  }
  model.dispose();
  tf.dispose([x, y]);
  return { wall, perKernel };
}

const backends = args.backends.split(',');
const results = {};
for (const b of backends) results[b] = await profileStep(b);
const names = [...new Set(backends.flatMap((b) => [...results[b].perKernel.keys()]))];
const first = results[backends[0]].perKernel;
names.sort((a, b) => (results[backends.at(-1)].perKernel.get(b)?.ms ?? 0) - (results[backends.at(-1)].perKernel.get(a)?.ms ?? 0));
console.log(`One ${args.net} training step (Adam, batch ${NETS[args.net].batch}), ms per kernel summed over its calls (mean of ${args['ort-steps']} steps on ort, 1 on cpu)`);
console.log(`| kernel | calls | ${backends.map((b) => `${b} ms`).join(' | ')} |`);
console.log(`|---|---|${backends.map(() => '---|').join('')}`);
for (const n of names.slice(0, Number(args.top))) {
  const cells = backends.map((b) => (results[b].perKernel.get(n)?.ms ?? 0).toFixed(1));
  console.log(`| ${n} | ${Math.round(first.get(n)?.calls ?? 0)} | ${cells.join(' | ')} |`);
}
const sums = backends.map((b) => [...results[b].perKernel.values()].reduce((s, e) => s + e.ms, 0).toFixed(0));
console.log(`| all kernels | | ${sums.join(' | ')} |`);
console.log(`| wall time of the step | | ${backends.map((b) => results[b].wall.toFixed(0)).join(' | ')} |`);
