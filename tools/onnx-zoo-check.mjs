#!/usr/bin/env node
// Checks every torchvision export that fixtures/torchvision_exports.py wrote into a folder:
//  1. import, and compare the outputs with PyTorch's;
//  2. ternarize the kernels (TWN, t = 0.7), export as float, int8 and QONNX; float and int8 run in
//     onnxruntime, QONNX (whose custom domain onnxruntime cannot run) is imported back; each is
//     compared with TF.js's outputs of the ternarized model;
//  3. once per model (its first export that imports): `sparse-ternary compress` for one short epoch
//     per stage on a small generated folder of PNGs with a new 3-class head.
// Prints a Markdown table (the onnx README's table comes from it).
//   npm run build && /usr/bin/python3 fixtures/torchvision_exports.py /tmp/zoo
//   node tools/onnx-zoo-check.mjs /tmp/zoo [model-name-filter]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import { exportOnnx, ImportError, importOnnx } from '@sparse-ternary/onnx';
import { ternarizeModel, twnQuantizer } from '@sparse-ternary/quantize-prune';
import { root } from './lib/workspaces.mjs';

const [dir, only] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node tools/onnx-zoo-check.mjs <folder written by fixtures/torchvision_exports.py> [model filter]');
  process.exit(2);
}
await initEngine({ backend: 'ort' });
const floats = (file) => {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
const relativeError = (actual, expected) => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
};
const cell = (text) => String(text).split('\n')[0].slice(0, 120).replace(/\|/g, '/');

/** A folder of 3 classes of seeded noise PNGs (8 training, 2 test images each) at `size`. */
function imageFolder(size) {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'zoo-images-'));
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const [split, count] of [['train', 8], ['test', 2]]) {
    for (let c = 0; c < 3; c++) {
      mkdirSync(path.join(folder, split, `class${c}`), { recursive: true });
      for (let i = 0; i < count; i++) {
        const png = new PNG({ width: size, height: size });
        for (let p = 0; p < size * size; p++) png.data.set([80 * c + 40 * random(), 255 * random(), 255 * random(), 255], p * 4);
        writeFileSync(path.join(folder, split, `class${c}`, `${i}.png`), PNG.sync.write(png));
      }
    }
  }
  return folder;
}

/** Outputs of an exported model for `input`: in onnxruntime, or (QONNX) imported back. */
async function runExport(bytes, format, input, dims) {
  if (format === 'qonnx') {
    const back = importOnnx(bytes).model;
    const out = tf.tidy(() => back.predict(tf.transpose(tf.tensor(input, dims), [0, 2, 3, 1])).dataSync());
    back.dispose();
    return out;
  }
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) });
  return out[session.outputNames[0]].data;
}

/** `sparse-ternary compress` for one epoch per stage; its wall time and sparsity, or its error. */
function shortCompress(file, images, size) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'zoo-compress-'));
  const started = Date.now();
  try {
    const args = ['compress', '-m', file, '-d', images, '--replace-head', '--input-size', String(size), '--mean', 'imagenet', '--stage1-epochs', '1', '--stage3-epochs', '1', '--batch-size', '8', '-o', out];
    execFileSync(process.execPath, [path.join(root, 'apps/cli/bin/sparse-ternary.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: out } });
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    return `ok, ${((Date.now() - started) / 1000).toFixed(0)} s, ${(100 * report.compress.sparsity).toFixed(1)}% sparse`;
  } catch (error) {
    return `fails: ${cell(error.stderr?.toString() || error.message)}`;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const compressed = new Set();
const folders = new Map();
console.log('| model | opset | batch | import | rel. error vs PyTorch | exports (ternary kernels): max rel. error vs TF.js, float / int8 in onnxruntime, QONNX imported back | compress, 1 epoch per stage, 3-class folder |');
console.log('|---|---|---|---|---|---|---|');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.onnx') && (!only || f.startsWith(only))).sort()) {
  const [, model, opset, batch] = /^(.+)-op(\d+)-(dynamic|fixed)\.onnx$/.exec(file);
  const input = floats(path.join(dir, `${model}.input.bin`));
  const expected = floats(path.join(dir, `${model}.logits.bin`));
  const size = Math.round(Math.sqrt(input.length / 6));
  const dims = [2, 3, size, size];
  const row = [model, opset, batch];
  let imported;
  try {
    imported = importOnnx(path.join(dir, file)).model;
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    const ops = [...new Set(error.problems.map((p) => `${p.opType}: ${p.reason}`))];
    console.log(`| ${row.join(' | ')} | fails: ${cell(ops.slice(0, 3).join('; '))}${ops.length > 3 ? `; ${ops.length - 3} more` : ''} | | | |`);
    continue;
  }
  const predict = () => tf.tidy(() => imported.predict(tf.transpose(tf.tensor(input, dims), [0, 2, 3, 1])).dataSync());
  const importError = relativeError(predict(), expected);
  ternarizeModel(imported, twnQuantizer(0.7));
  const ternary = predict();
  const exports = [];
  for (const format of ['float', 'int8', 'qonnx']) {
    try {
      exports.push(`${format} ${relativeError(await runExport(exportOnnx(imported, { format }).bytes, format, input, dims), ternary).toExponential(1)}`);
    } catch (error) {
      exports.push(`${format} fails: ${cell(error.message)}`);
    }
  }
  imported.dispose();
  let compress = '';
  if (!compressed.has(model)) {
    compressed.add(model);
    if (!folders.has(size)) folders.set(size, imageFolder(size));
    compress = shortCompress(path.join(dir, file), folders.get(size), size);
  }
  console.log(`| ${row.join(' | ')} | yes | ${importError.toExponential(1)} | ${exports.join(', ')} | ${compress} |`);
}
for (const folder of folders.values()) rmSync(folder, { recursive: true, force: true });
