#!/usr/bin/env node
// Datasets benchmark: the time to load all of Fashion-MNIST (60,000 + 10,000 images, from
// /usr/share/datasets/fashion-mnist: apt-get install dataset-fashion-mnist), and the share of a
// training epoch of SFC (batch 100, 'ort' backend) spent making batches, measured in one run.
//   node tools/bench-datasets.mjs [--epochs 2]
import { parseArgs } from 'node:util';
import { adam, initEngine } from '@sparse-ternary/engine';
import { batches, loadDataset } from '@sparse-ternary/datasets';
import { NETS } from './lib/nets.mjs';

const { values: args } = parseArgs({ options: { epochs: { type: 'string', default: '2' } } });

let start = performance.now();
const data = loadDataset('fashion-mnist');
const loadSeconds = (performance.now() - start) / 1000;

const engine = await initEngine({ backend: 'ort' });
const model = NETS.sfc.build();
model.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
const rows = [];
for (let epoch = 0; epoch < Number(args.epochs); epoch++) {
  // Batching alone: the same batches, made and disposed.
  start = performance.now();
  for (const batch of batches(data.train, { batchSize: NETS.sfc.batch, seed: 1, epoch })) void batch;
  const batching = (performance.now() - start) / 1000;
  // A training epoch on those batches.
  start = performance.now();
  for (const { x, y } of batches(data.train, { batchSize: NETS.sfc.batch, seed: 1, epoch })) await model.trainOnBatch(x, y);
  const epochSeconds = (performance.now() - start) / 1000;
  rows.push({ epoch, batching, epochSeconds });
}

console.log(`Fashion-MNIST from ${data.source}; backend ${engine.backend}, ${engine.threads} threads`);
console.log(`| measure | value |`);
console.log(`|---|---|`);
console.log(`| load 60,000 train + 10,000 test images | ${loadSeconds.toFixed(2)} s |`);
for (const r of rows) {
  console.log(`| epoch ${r.epoch}: SFC training epoch (600 batches of 100) | ${r.epochSeconds.toFixed(2)} s |`);
  console.log(`| epoch ${r.epoch}: making its batches alone | ${r.batching.toFixed(2)} s (${((100 * r.batching) / r.epochSeconds).toFixed(1)}% of the epoch) |`);
}
