#!/usr/bin/env node
// Test accuracy of exported ONNX files in onnxruntime on a folder of images, read and normalized
// as the CLI reads them (resize and centre crop, ImageNet mean/std), and onnxruntime's time per
// batch-1 image: the check that what sparse-ternary exports runs outside TF.js.
//   node tools/experiments/real-architectures/ort_accuracy.mjs <images folder> <size> <model.onnx>...
import { loadImageFolder } from '@sparse-ternary/datasets';
import * as ort from 'onnxruntime-node';

const [folder, sizeArg, ...models] = process.argv.slice(2);
if (!folder || !models.length) {
  console.error('usage: ort_accuracy.mjs <images folder> <size> <model.onnx>...');
  process.exit(2);
}
const size = Number(sizeArg);
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const { test } = loadImageFolder(folder, { size: [size, size] });
const pixels = size * size;
/** Images [from, to) as normalized NCHW floats. */
function batch(from, to) {
  const out = new Float32Array((to - from) * 3 * pixels);
  for (let n = from; n < to; n++) {
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < 3; c++) out[((n - from) * 3 + c) * pixels + p] = (test.images[(n * pixels + p) * 3 + c] / 255 - MEAN[c]) / STD[c];
    }
  }
  return out;
}
console.log('| file | size | onnxruntime test accuracy | batch-1 latency |');
console.log('|---|---|---|---|');
for (const file of models) {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 2 });
  let correct = 0;
  for (let from = 0; from < test.count; from += 250) {
    const to = Math.min(from + 250, test.count);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', batch(from, to), [to - from, 3, size, size]) });
    const logits = out[session.outputNames[0]].data;
    const classes = logits.length / (to - from);
    for (let n = 0; n < to - from; n++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (logits[n * classes + k] > logits[n * classes + best]) best = k;
      if (best === test.labels[from + n]) correct++;
    }
  }
  const one = new ort.Tensor('float32', batch(0, 1), [1, 3, size, size]);
  for (let i = 0; i < 20; i++) await session.run({ [session.inputNames[0]]: one });
  const started = performance.now();
  for (let i = 0; i < 200; i++) await session.run({ [session.inputNames[0]]: one });
  const { size: bytes } = await import('node:fs').then((fs) => fs.statSync(file));
  console.log(`| ${file} | ${(bytes / 2 ** 20).toFixed(1)} MiB | ${((100 * correct) / test.count).toFixed(2)}% | ${((performance.now() - started) / 200).toFixed(2)} ms |`);
}
