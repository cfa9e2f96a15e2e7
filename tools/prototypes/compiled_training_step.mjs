#!/usr/bin/env node
// Prototype (issue 22): one whole training step of LFC or CNV as one ONNX graph run by
// onnxruntime-node: forward with TWN ternary weights (straight-through estimator), BatchNorm in
// training mode, softmax cross-entropy, the backward pass written out with standard ONNX ops
// (Conv for filter gradients, ConvTranspose for input gradients, the max pooling's gradient by a
// mask) and Adam, channels-first throughout. Weights and Adam's moments go in and come out each
// step. Prints the loss of the first steps (it must fall on a fixed batch) and samples/s.
// --profile: onnxruntime's own profile of the steps, summed by operator type.
//   npm run build && node tools/prototypes/compiled_training_step.mjs cnv 50 [steps] [--spin] [--profile]
import { formatProfile, summarizeProfile } from '../lib/ort_profile.mjs';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, loadSyncSession } from '@sparse-ternary/engine';

const [name = 'cnv', batchArg = '50', stepsArg = '20'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const N = Number(batchArg);
const STEPS = Number(stepsArg);
const spin = process.argv.includes('--spin');
const profiling = process.argv.includes('--profile');
const gemmFilterGrad = process.argv.includes('--gemm');
const b = new GraphBuilder();
const i64 = (values) => b.constInt64(values);
const scalar = (v) => b.constFloat([v], []);
const params = []; // { name, dims, grad, values }
let seed = 1;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const param = (dims, init) => {
  const size = dims.reduce((a, c) => a * c, 1);
  const name = `p${params.length}`;
  b.input(name, 'float32', dims);
  const entry = { name, dims, values: Float32Array.from({ length: size }, init), grad: undefined };
  params.push(entry);
  return entry;
};
const fanInInit = (fanIn) => () => (random() * 2 - 1) * Math.sqrt(6 / fanIn);
/** The backward steps, run in reverse. */
const tape = [];

/** TWN: alpha * sign(w) where |w| > 0.7 mean |w|, else 0; its gradient passes straight through. */
function ternary(w) {
  const a = b.op('Abs', [w]);
  const t = b.op('Mul', [b.op('ReduceMean', [a], { keepdims: 0 }), scalar(0.7)]);
  const mask = b.op('Cast', [b.op('Greater', [a, t])], { to: 1 });
  const alpha = b.op('Div', [b.op('ReduceSum', [b.op('Mul', [a, mask])], { keepdims: 0 }), b.op('Max', [b.op('ReduceSum', [mask], { keepdims: 0 }), scalar(1)])]);
  return b.op('Mul', [b.op('Mul', [b.op('Sign', [w]), mask]), alpha]);
}

/**
 * The filter gradient as one GEMM: dy [cout, N * P] times the input's 3x3 patches [N * P, 9 * cin]
 * (taken channels-last, each patch position a contiguous block of channels, so no large transpose).
 */
function filterGradGemm(x, dy, shape) {
  const [n, cin, hh, ww, cout] = shape;
  const [oh, ow] = [hh - 2, ww - 2];
  const xn = b.op('Transpose', [x], { perm: [0, 2, 3, 1] });
  const patches = [];
  for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) patches.push(b.op('Slice', [xn, i64([ky, kx]), i64([ky + oh, kx + ow]), i64([1, 2])]));
  const cols = b.op('Reshape', [b.op('Concat', patches, { axis: 3 }), i64([n * oh * ow, 9 * cin])]);
  const dyt = b.op('Reshape', [b.op('Transpose', [dy], { perm: [1, 0, 2, 3] }), i64([cout, n * oh * ow])]);
  return b.op('Transpose', [b.op('Reshape', [b.op('MatMul', [dyt, cols]), i64([cout, 3, 3, cin])])], { perm: [0, 3, 1, 2] });
}

function conv(x, cin, cout, needInputGrad, size) {
  const w = param([cout, cin, 3, 3], fanInInit(cin * 9));
  const wq = ternary(w.name);
  const y = b.op('Conv', [x, wq], { kernel_shape: [3, 3] });
  tape.push((dy) => {
    // dW[o, i, ky, kx] = sum over n, y, x of dy[n, o, y, x] * x[n, i, y + ky, x + kx]: a convolution over the batch axis
    if (gemmFilterGrad) w.grad = filterGradGemm(x, dy, [N, cin, size, size, cout]);
    else {
      const xt = b.op('Transpose', [x], { perm: [1, 0, 2, 3] });
      const dyt = b.op('Transpose', [dy], { perm: [1, 0, 2, 3] });
      w.grad = b.op('Transpose', [b.op('Conv', [xt, dyt])], { perm: [1, 0, 2, 3] });
    }
    return needInputGrad ? b.op('ConvTranspose', [dy, wq], { kernel_shape: [3, 3] }) : undefined;
  });
  return y;
}

function dense(x, fin, fout, bias = false) {
  const w = param([fin, fout], fanInInit(fin));
  const wq = ternary(w.name);
  const bb = bias ? param([fout], () => 0) : undefined;
  const mm = b.op('MatMul', [x, wq]);
  const y = bb ? b.op('Add', [mm, bb.name]) : mm;
  tape.push((dy) => {
    w.grad = b.op('MatMul', [b.op('Transpose', [x]), dy]);
    if (bb) bb.grad = b.op('ReduceSum', [dy, i64([0])], { keepdims: 0 });
    return b.op('MatMul', [dy, b.op('Transpose', [wq])]);
  });
  return y;
}

function batchNorm(y, c, spatial) {
  const axes = spatial ? [0, 2, 3] : [0];
  const shape = spatial ? [1, c, 1, 1] : [1, c];
  const gamma = param([c], () => 1);
  const beta = param([c], () => 0);
  const g = b.op('Reshape', [gamma.name, i64(shape)]);
  const mean = b.op('ReduceMean', [y], { axes, keepdims: 1 });
  const d = b.op('Sub', [y, mean]);
  const variance = b.op('ReduceMean', [b.op('Mul', [d, d])], { axes, keepdims: 1 });
  const inv = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [variance, scalar(1e-5)])])]);
  const xhat = b.op('Mul', [d, inv]);
  const out = b.op('Add', [b.op('Mul', [xhat, g]), b.op('Reshape', [beta.name, i64(shape)])]);
  tape.push((dout) => {
    gamma.grad = b.op('ReduceSum', [b.op('Mul', [dout, xhat]), i64(axes)], { keepdims: 0 });
    beta.grad = b.op('ReduceSum', [dout, i64(axes)], { keepdims: 0 });
    const dxhat = b.op('Mul', [dout, g]);
    const m1 = b.op('ReduceMean', [dxhat], { axes, keepdims: 1 });
    const m2 = b.op('ReduceMean', [b.op('Mul', [dxhat, xhat])], { axes, keepdims: 1 });
    return b.op('Mul', [inv, b.op('Sub', [b.op('Sub', [dxhat, m1]), b.op('Mul', [xhat, m2])])]);
  });
  return out;
}

function relu(y) {
  const out = b.op('Relu', [y]);
  tape.push((dout) => b.op('Mul', [dout, b.op('Cast', [b.op('Greater', [y, scalar(0)])], { to: 1 })]));
  return out;
}

/** 2x2 max pooling of [N, c, s, s]; its gradient goes to each window's maximum (MaxUnpool at the pooling's indices). */
function pool(x, c, s) {
  const [out, indices] = b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, 2);
  tape.push((dout) => b.op('MaxUnpool', [dout, indices, i64([N, c, s, s])], { kernel_shape: [2, 2], strides: [2, 2] }));
  return out;
}

function reshape(x, to, back) {
  const out = b.op('Reshape', [x, i64(to)]);
  tape.push((dout) => b.op('Reshape', [dout, i64(back)]));
  return out;
}

let h;
if (name === 'cnv') {
  h = b.input('x', 'float32', [N, 3, 32, 32]);
  const block = (x, cin, cout, size, needInputGrad = true) => relu(batchNorm(conv(x, cin, cout, needInputGrad, size), cout, true));
  h = block(h, 3, 64, 32, false);
  h = pool(block(h, 64, 64, 30), 64, 28);
  h = block(h, 64, 128, 14);
  h = pool(block(h, 128, 128, 12), 128, 10);
  h = block(block(h, 128, 256, 5), 256, 256, 3);
  h = reshape(h, [N, 256], [N, 256, 1, 1]);
  h = relu(batchNorm(dense(h, 256, 512), 512, false));
  h = relu(batchNorm(dense(h, 512, 512), 512, false));
  h = dense(h, 512, 10, true);
} else {
  h = b.input('x', 'float32', [N, 784]);
  for (const [fin, fout] of [[784, 1024], [1024, 1024], [1024, 1024]]) h = relu(batchNorm(dense(h, fin, fout), fout, false));
  h = dense(h, 1024, 10, true);
}
const labels = b.input('y', 'float32', [N, 10]);
const logp = b.op('LogSoftmax', [h], { axis: 1 });
const loss = b.op('Div', [b.op('Neg', [b.op('ReduceSum', [b.op('Mul', [labels, logp])], { keepdims: 0 })]), scalar(N)]);
let grad = b.op('Div', [b.op('Sub', [b.op('Exp', [logp]), labels]), scalar(N)]);
for (const backward of tape.reverse()) grad = backward(grad);
// Adam, its step size corrected for the bias of the moments (lrt, fed each step).
const lrt = b.input('lrt', 'float32', []);
const [b1, b2, eps] = [0.9, 0.999, 1e-7];
const outputs = ['loss'];
b.rename(loss, 'loss');
b.output('loss', 'float32');
for (const p of params) {
  b.input(`m_${p.name}`, 'float32', p.dims);
  b.input(`v_${p.name}`, 'float32', p.dims);
  const m = b.op('Add', [b.op('Mul', [`m_${p.name}`, scalar(b1)]), b.op('Mul', [p.grad, scalar(1 - b1)])]);
  const v = b.op('Add', [b.op('Mul', [`v_${p.name}`, scalar(b2)]), b.op('Mul', [b.op('Mul', [p.grad, p.grad]), scalar(1 - b2)])]);
  const next = b.op('Sub', [p.name, b.op('Mul', [lrt, b.op('Div', [m, b.op('Add', [b.op('Sqrt', [v]), scalar(eps)])])])]);
  for (const [value, out] of [[next, `${p.name}_next`], [m, `m_${p.name}_next`], [v, `v_${p.name}_next`]]) {
    b.rename(value, out);
    b.output(out, 'float32');
    outputs.push(out);
  }
}
const model = b.build({ graphName: `${name}-training-step` });
const tensor = (data, dims) => ({ type: 'float32', data, dims });
const feeds = {
  x: tensor(Float32Array.from({ length: name === 'cnv' ? N * 3 * 32 * 32 : N * 784 }, random), name === 'cnv' ? [N, 3, 32, 32] : [N, 784]),
  y: tensor(Float32Array.from({ length: N * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0)), [N, 10]),
};
for (const p of params) {
  feeds[p.name] = tensor(p.values, p.dims);
  feeds[`m_${p.name}`] = tensor(new Float32Array(p.values.length), p.dims);
  feeds[`v_${p.name}`] = tensor(new Float32Array(p.values.length), p.dims);
}
const options = { intraOpNumThreads: 2, allowSpinning: spin };
const session = profiling
  ? await ort.InferenceSession.create(model, { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential', enableProfiling: true, profileFilePrefix: '/tmp/training-step', extra: { session: { intra_op: { allow_spinning: spin ? '1' : '0' } } } })
  : loadSyncSession(model, options);
const run = async (f) => (profiling ? session.run(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, new ort.Tensor(v.type, v.data, v.dims)]))) : session.run(f));
const losses = [];
const times = [];
for (let t = 1; t <= STEPS; t++) {
  feeds.lrt = tensor(Float32Array.of((1e-3 * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)), []);
  const start = performance.now();
  const out = await run(feeds);
  times.push(performance.now() - start);
  losses.push(out.loss.data[0]);
  for (const p of params) for (const key of [p.name, `m_${p.name}`, `v_${p.name}`]) feeds[key] = tensor(out[`${key}_next`].data, p.dims);
}
const sorted = times.slice(2).sort((a, c) => a - c);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`${name}, batch ${N}, ${params.length} parameter tensors, ${(model.length / 1024).toFixed(0)} KiB graph, spinning ${spin ? 'on' : 'off'}`);
console.log(`losses: ${losses.slice(0, 5).map((l) => l.toFixed(4)).join(', ')} ... ${losses.at(-1).toFixed(4)}`);
console.log(`step ${median.toFixed(1)} ms (median of ${sorted.length}): ${((N * 1000) / median).toFixed(0)} samples/s`);
if (profiling) {
  await session.endProfiling(); // writes /tmp/training-step_<date>.json
  console.log(formatProfile(summarizeProfile('/tmp/training-step', STEPS)));
}
