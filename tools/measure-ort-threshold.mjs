#!/usr/bin/env node
// Finds the work size where running a kernel in onnxruntime beats TF.js's JS kernel: times Add,
// Relu, Sum and MatMul at growing sizes on 'cpu' and on 'ort' (threshold 0: always onnxruntime)
// and prints microseconds per call and the ratio. The engine's DEFAULT_MIN_ORT_WORK comes from this.
//   node tools/measure-ort-threshold.mjs
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';

await initEngine({ backend: 'ort', minOrtWork: 0 });

function microseconds(backend, f) {
  tf.setBackend(backend);
  const calls = 200;
  for (let i = 0; i < 20; i++) tf.tidy(f);
  const start = performance.now();
  for (let i = 0; i < calls; i++) tf.tidy(f);
  return ((performance.now() - start) * 1000) / calls;
}

const cases = [];
for (const n of [256, 1024, 2048, 4096, 8192, 32768]) {
  cases.push([`Add [${n}]`, n, () => [tf.ones([n]), tf.ones([n])], ([a, b]) => tf.add(a, b)]);
  cases.push([`Relu [${n}]`, n, () => [tf.ones([n])], ([a]) => tf.relu(a)]);
  cases.push([`Sum [${n / 64}, 64] over 0`, n, () => [tf.ones([n / 64, 64])], ([a]) => tf.sum(a, 0)]);
}
for (const m of [8, 16, 24, 32, 64]) {
  cases.push([`MatMul ${m}x${m}x${m}`, m ** 3, () => [tf.ones([m, m]), tf.ones([m, m])], ([a, b]) => tf.matMul(a, b)]);
}

console.log('| kernel | work | cpu us | ort us | cpu / ort |');
console.log('|---|---|---|---|---|');
for (const [name, work, make, op] of cases) {
  const time = (backend) => {
    tf.setBackend(backend);
    const inputs = make();
    const us = microseconds(backend, () => op(inputs));
    tf.dispose(inputs);
    return us;
  };
  const cpu = time('cpu');
  const ort = time('ort');
  console.log(`| ${name} | ${work} | ${cpu.toFixed(1)} | ${ort.toFixed(1)} | ${(cpu / ort).toFixed(2)} |`);
}
