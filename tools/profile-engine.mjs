#!/usr/bin/env node
// Per-kernel time of a training step (Adam) of LFC (batch 100) or CNV (batch 50) on the given
// backends, as a markdown table: the one kept in packages/engine/README.md. Each registered kernel
// of the backend is wrapped in a timer (tf.profile's own bookkeeping roughly doubled step times).
//   node tools/profile-engine.mjs --net lfc|cnv [--backends ort,cpu] [--top 25] [--ort-steps 5]
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

/** Wraps every kernel registered for `backendName` so that calls and milliseconds add up in `times`. */
function timeKernels(backendName, times) {
  for (const config of tf.getKernelsForBackend(backendName)) {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (kernelArgs) => {
        const start = performance.now();
        const out = config.kernelFunc(kernelArgs);
        const entry = times.get(config.kernelName) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - start;
        entry.calls += 1;
        times.set(config.kernelName, entry);
        return out;
      },
    });
  }
}

async function profileSteps(backend) {
  await initEngine({ backend });
  const times = new Map();
  timeKernels(backend, times);
  const net = NETS[args.net];
  const model = net.build();
  model.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform([net.batch, ...net.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([net.batch], 0, 10, 'int32', 2), 10);
  // Warm-up (session building); the 'cpu' backend has none to do and a CNV step there takes minutes.
  if (backend !== 'cpu') await model.trainOnBatch(x, y);
  times.clear();
  const steps = backend === 'cpu' ? 1 : Number(args['ort-steps']);
  const start = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const wall = (performance.now() - start) / steps;
  for (const entry of times.values()) {
    entry.ms /= steps;
    entry.calls /= steps;
  }
  model.dispose();
  tf.dispose([x, y]);
  return { wall, times };
}

const backends = args.backends.split(',');
const results = {};
for (const b of backends) results[b] = await profileSteps(b);
const last = results[backends.at(-1)].times;
const names = [...new Set(backends.flatMap((b) => [...results[b].times.keys()]))].sort(
  (a, b) => (last.get(b)?.ms ?? 0) - (last.get(a)?.ms ?? 0),
);
const calls = results[backends[0]].times;
console.log(`One ${args.net} training step (Adam, batch ${NETS[args.net].batch}): ms per kernel, summed over its calls (mean of ${args['ort-steps']} steps; 1 on cpu)`);
console.log(`| kernel | calls | ${backends.map((b) => `${b} ms`).join(' | ')} |`);
console.log(`|---|---|${backends.map(() => '---|').join('')}`);
for (const n of names.slice(0, Number(args.top))) {
  const cells = backends.map((b) => (results[b].times.get(n)?.ms ?? 0).toFixed(1));
  console.log(`| ${n} | ${Math.round(calls.get(n)?.calls ?? 0)} | ${cells.join(' | ')} |`);
}
const sums = backends.map((b) => [...results[b].times.values()].reduce((s, e) => s + e.ms, 0).toFixed(0));
console.log(`| all kernels | | ${sums.join(' | ')} |`);
console.log(`| wall time of the step | | ${backends.map((b) => results[b].wall.toFixed(0)).join(' | ')} |`);
