#!/usr/bin/env node
// End to end through ONNX: import a pretrained PyTorch model (the committed
// fixtures/models/mlp.onnx by default; docs/onnx-end-to-end.md used an LFC export), compress it with the sparse-ternary method starting from its weights on
// Fashion-MNIST (found by name: `sparse-ternary data download fashion-mnist`, or apt-get install dataset-fashion-mnist), export it as float, int8 and QONNX
// ONNX, and run the standard files in onnxruntime on the whole test set. Prints a markdown table.
//   npm run build && node tools/onnx-end-to-end.mjs [--model f.onnx] [--stage1 2] [--stage3 1]
//     [--t 1.7] [--qtr 2e-5] [--lr 5e-4] [--train 60000] [--out out/onnx-end-to-end]
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import { loadDataset } from '@sparse-ternary/datasets';
import { importOnnx, saveOnnx } from '@sparse-ternary/onnx';
import { twnQuantizer } from '@sparse-ternary/quantize-prune';
import { qtrCost } from '@sparse-ternary/regularizers';
import { accuracy, compress } from '@sparse-ternary/retrain';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: path.join(root, 'fixtures/models/mlp.onnx') },
    stage1: { type: 'string', default: '2' },
    stage3: { type: 'string', default: '1' },
    t: { type: 'string', default: '1.7' },
    qtr: { type: 'string', default: '2e-5' },
    lr: { type: 'string', default: '5e-4' },
    train: { type: 'string', default: '60000' },
    out: { type: 'string', default: path.join(root, 'out/onnx-end-to-end') },
  },
});

const engine = await initEngine({ backend: 'auto' });
const data = loadDataset('fashion-mnist');
const train = { ...data.train, count: Math.min(Number(args.train), data.train.count) };
train.images = train.images.subarray(0, train.count * 784);
train.labels = train.labels.subarray(0, train.count);
const test = data.test;
const tensors = { scale: 'unit' };

/** Top-1 accuracy of an ONNX file in onnxruntime (default optimizations), NCHW input pixels / 255. */
async function ortAccuracy(file, inputName) {
  const session = await ort.InferenceSession.create(file);
  let correct = 0;
  for (let start = 0; start < test.count; start += 1000) {
    const count = Math.min(1000, test.count - start);
    const pixels = Float32Array.from(test.images.subarray(start * 784, (start + count) * 784), (p) => p / 255);
    const out = await session.run({ [inputName]: new ort.Tensor('float32', pixels, [count, 1, 28, 28]) });
    const logits = out[session.outputNames[0]].data;
    for (let i = 0; i < count; i++) {
      const row = logits.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === test.labels[start + i]) correct++;
    }
  }
  await session.release();
  return correct / test.count;
}

const { model, signature } = importOnnx(args.model);
const inputName = signature.inputs[0].name;
const before = accuracy(model, test, tensors);
const originalOrt = await ortAccuracy(args.model, inputName);
const started = performance.now();
const { report } = await compress(model, train, {
  method: 'sparse-ternary',
  epochs: { stage1: Number(args.stage1), stage3: Number(args.stage3) },
  batchSize: 100,
  learningRate: Number(args.lr),
  quantizer: twnQuantizer(Number(args.t)),
  regularizers: [qtrCost(Number(args.qtr))],
  tensors,
  test,
  seed: 1,
  onEpochEnd: (p) => console.error(`${p.stage} epoch ${p.epoch + 1}: loss ${p.loss.toFixed(4)}, sparsity ${(100 * p.sparsity).toFixed(1)}%, ternary test accuracy ${(100 * (p.quantizedAccuracy ?? 0)).toFixed(2)}%`),
});
const minutes = (performance.now() - started) / 60000;

mkdirSync(args.out, { recursive: true });
const files = {};
for (const format of ['float', 'int8', 'qonnx']) {
  files[format] = path.join(args.out, `${path.basename(args.model, '.onnx')}.sparse-ternary.${format}.onnx`);
  saveOnnx(model, files[format], { format, method: report.method, layers: report.layers });
}
const size = (file) => `${(statSync(file).size / 1e6).toFixed(2)} MB`;
const pct = (v) => `${(100 * v).toFixed(2)}%`;
const rows = [
  ['pretrained float (PyTorch ONNX), onnxruntime', pct(originalOrt), '0%', size(args.model)],
  ['pretrained float, imported into TF.js', pct(before), '0%', '-'],
  ['sparse ternary, TF.js', pct(report.accuracy), pct(report.sparsity), '-'],
  ['sparse ternary, float ONNX, onnxruntime', pct(await ortAccuracy(files.float, inputName)), pct(report.sparsity), size(files.float)],
  ['sparse ternary, int8 + DequantizeLinear ONNX, onnxruntime', pct(await ortAccuracy(files.int8, inputName)), pct(report.sparsity), size(files.int8)],
  ['sparse ternary, QONNX (for FINN)', '-', pct(report.sparsity), size(files.qonnx)],
];
console.log(`${path.basename(args.model)} on Fashion-MNIST (${train.count} training images, full 10,000-image test set); backend ${engine.backend}, ${engine.threads} threads`);
console.log(`compress: sparse-ternary, ${args.stage1} + ${args.stage3} epochs, TWN t = ${args.t}, qtr-cost ${args.qtr}, Adam lr ${args.lr}, batch 100: ${minutes.toFixed(1)} min`);
console.log('| model | test accuracy | sparsity | file |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log('\nper layer: ' + report.layers.map((l) => `${l.name} ${pct(l.sparsity)} (alpha ${l.alpha.toExponential(3)}, Delta ${l.delta.toExponential(3)})`).join('; '));
tf.disposeVariables();
