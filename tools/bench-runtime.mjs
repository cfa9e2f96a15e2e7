#!/usr/bin/env node
// Runtime benchmark: LFC and CNV with uniformly random sparse ternary kernels at 90, 95 and 98%
// sparsity (random BatchNorm statistics), run by @sparse-ternary/runtime, by onnxruntime-node on
// the same weights exported as dense float ONNX, and by TF.js on the 'ort' backend, in one run.
// The runtime twice: its WebAssembly SIMD kernels and its scalar TypeScript reference.
// Batch-1 latency (median) and batch-64 throughput; the loaded model's weight memory.
// --profile: the runtime's batch-1 time per operation (its profile()), with each weight layer's
// non-zero weight-uses per image.
// --nets also takes ONNX files (an imported network, e.g. fixtures/torchvision_exports.py's), named by their file.
//   npm run build && node tools/bench-runtime.mjs [--nets lfc,cnv,resnet18.onnx] [--sparsities 0.9,0.95,0.98] [--runs 30] [--profile]
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import { exportOnnx } from '@sparse-ternary/onnx';
import { decodePacked, load } from '@sparse-ternary/runtime';
import { pack } from '@sparse-ternary/runtime/pack';
import { sparseTernary } from './lib/sparse_ternary_nets.mjs';
import { time } from './lib/timing.mjs';

const { values: args } = parseArgs({
  options: { nets: { type: 'string', default: 'lfc,cnv' }, sparsities: { type: 'string', default: '0.9,0.95,0.98' }, runs: { type: 'string', default: '30' }, profile: { type: 'boolean', default: false } },
});
const runs = Number(args.runs);
const engine = await initEngine({ backend: 'ort' });

/** Where a batch-1 run's time goes: the runtime's own profile, with each weight layer's non-zero weight-uses per image. */
function profile(runtime, packed, sample) {
  const { header } = decodePacked(packed);
  const uses = header.layers.map((l) => (l.ternary ? (l.ternary.plus.length + l.ternary.minus.length) * (l.type === 'conv' ? l.outShape[0] * l.outShape[1] : 1) : 0));
  return runtime.profile(sample, runs * 3).map(({ operation, ms }) => ({ operation, ms, uses: uses[Number(/^layer (\d+)/.exec(operation)?.[1])] ?? 0 }));
}

const rows = [];
const profiles = [];
for (const source of args.nets.split(',')) {
  const net = path.basename(source, '.onnx');
  for (const sparsity of args.sparsities.split(',').map(Number)) {
    const model = sparseTernary(source, sparsity);
    const packed = pack(model);
    const runtime = load(packed, { kernels: 'wasm' });
    const scalar = load(packed, { kernels: 'scalar' });
    const onnx = exportOnnx(model, { format: 'float', hardwareCost: {} }).bytes;
    const session = await ort.InferenceSession.create(onnx);
    const [h, w, c] = runtime.inputShape;
    const random = seededRandom(3);
    const one = Float32Array.from({ length: h * w * c }, () => random());
    const batch = Float32Array.from({ length: 64 * h * w * c }, () => random());
    const feed = (data, n) => ({ [session.inputNames[0]]: new ort.Tensor('float32', data, [n, c, h, w]) });
    const tfRun = (data, n) => tf.tidy(() => model.predict(tf.tensor(data, [n, h, w, c])).dataSync());
    const latency = {
      runtime: await time(() => runtime.predictOne(one), runs),
      scalar: await time(() => scalar.predictOne(one), runs),
      ort: await time(() => session.run(feed(one, 1)), runs),
      tfjs: await time(() => tfRun(one, 1), runs),
    };
    const perBatch = {
      runtime: await time(() => runtime.predict(batch, 64), Math.max(10, runs / 3)),
      scalar: await time(() => scalar.predict(batch, 64), Math.max(3, runs / 10)),
      ort: await time(() => session.run(feed(batch, 64)), Math.max(10, runs / 3)),
      tfjs: await time(() => tfRun(batch, 64), Math.max(3, runs / 10)),
    };
    rows.push({ net, sparsity, latency, throughput: Object.fromEntries(Object.entries(perBatch).map(([k, ms]) => [k, 64000 / ms])), memory: { weights: scalar.bytes, runtime: runtime.bytes, onnx: onnx.length } });
    if (args.profile) profiles.push({ net, sparsity, layers: profile(runtime, packed, one) });
    await session.release();
    model.dispose();
    console.error(`${net} ${sparsity} done`);
  }
}

console.log(`Runtime benchmark, backend ${engine.backend} for TF.js, ${engine.threads} threads; onnxruntime-node with default options; medians of ${runs} batch-1 runs.`);
console.log('| net | sparsity | batch-1 latency: runtime wasm / scalar / onnxruntime / TF.js (ms) | onnxruntime / runtime | batch-64 samples/s: runtime wasm / scalar / onnxruntime / TF.js | runtime / onnxruntime | weights: runtime / dense float ONNX | ONNX / runtime | runtime memory with activations | ONNX / it |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const l = r.latency;
  const t = r.throughput;
  console.log(
    `| ${r.net} | ${(100 * r.sparsity).toFixed(0)}% | ${l.runtime.toFixed(3)} / ${l.scalar.toFixed(3)} / ${l.ort.toFixed(3)} / ${l.tfjs.toFixed(3)} | ${(l.ort / l.runtime).toFixed(2)}x | ${Math.round(t.runtime)} / ${Math.round(t.scalar)} / ${Math.round(t.ort)} / ${Math.round(t.tfjs)} | ${(t.runtime / t.ort).toFixed(2)}x | ${(r.memory.weights / 1024).toFixed(0)} KiB / ${(r.memory.onnx / 1024).toFixed(0)} KiB | ${(r.memory.onnx / r.memory.weights).toFixed(1)}x | ${(r.memory.runtime / 1024).toFixed(0)} KiB | ${(r.memory.onnx / r.memory.runtime).toFixed(1)}x |`,
  );
}
for (const p of profiles) {
  const total = p.layers.reduce((sum, l) => sum + l.ms, 0);
  console.log(`\nProfile, ${p.net} at ${(100 * p.sparsity).toFixed(0)}%, batch 1, WebAssembly kernels (medians; sum ${total.toFixed(3)} ms):`);
  console.log('| operation | ms | non-zero weight-uses | ns per use |');
  console.log('|---|---|---|---|');
  for (const l of p.layers) console.log(`| ${l.operation} | ${l.ms.toFixed(4)} | ${l.uses ? l.uses.toLocaleString('en') : ''} | ${l.uses ? ((1e6 * l.ms) / l.uses).toFixed(3) : ''} |`);
}
