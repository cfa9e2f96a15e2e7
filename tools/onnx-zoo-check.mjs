#!/usr/bin/env node
// Imports every torchvision export that fixtures/torchvision_exports.py wrote into a folder,
// compares the imported model's outputs with PyTorch's, exports it back as float ONNX and runs
// that in onnxruntime. Prints a Markdown table (the onnx README's import table comes from it).
//   npm run build && /usr/bin/python3 fixtures/torchvision_exports.py /tmp/zoo
//   node tools/onnx-zoo-check.mjs /tmp/zoo
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import { exportOnnx, ImportError, importOnnx } from '@sparse-ternary/onnx';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tools/onnx-zoo-check.mjs <folder written by fixtures/torchvision_exports.py>');
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

console.log('| model | opset | batch | import | rel. error vs PyTorch | float export in onnxruntime |');
console.log('|---|---|---|---|---|---|');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort()) {
  const [, model, opset, batch] = /^(.+)-op(\d+)-(dynamic|fixed)\.onnx$/.exec(file);
  const input = floats(path.join(dir, `${model}.input.bin`));
  const expected = floats(path.join(dir, `${model}.logits.bin`));
  const size = Math.round(Math.sqrt(input.length / 6));
  const row = [model, opset, batch];
  let imported;
  try {
    imported = importOnnx(path.join(dir, file)).model;
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    const ops = [...new Set(error.problems.map((p) => `${p.opType}: ${p.reason}`))];
    console.log(`| ${row.join(' | ')} | fails: ${ops.slice(0, 3).join('; ').replace(/\|/g, '/')}${ops.length > 3 ? `; ${ops.length - 3} more` : ''} | | |`);
    continue;
  }
  const actual = tf.tidy(() => imported.predict(tf.transpose(tf.tensor(input, [2, 3, size, size]), [0, 2, 3, 1])).dataSync());
  const importError = relativeError(actual, expected);
  let exported = 'not exported';
  try {
    const { bytes } = exportOnnx(imported, { format: 'float' });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [2, 3, size, size]) });
    exported = `runs, rel. error ${relativeError(out[session.outputNames[0]].data, actual).toExponential(1)} vs TF.js`;
  } catch (error) {
    exported = `fails: ${error.message.split('\n')[0].slice(0, 120).replace(/\|/g, '/')}`;
  }
  console.log(`| ${row.join(' | ')} | yes | ${importError.toExponential(1)} | ${exported} |`);
  imported.dispose();
}
