// The compiled training step against TF.js: one SGD step (learning rate 1) moves every weight by
// exactly its gradient, which must be TF.js's own (tf.variableGrads through the model in training
// mode, categorical cross-entropy) within 1e-4 relative; BatchNorm's moving statistics move as the
// layer's do; Adam's first steps give model.fit's losses with the engine's adam().
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adam } from '../fused/fused_adam';
import { batchNormalization } from '../fused/fused_batch_normalization';
import { quantizedActivation } from '../activation_quant/quantized_activation';
import { initEngine } from '../init_engine';
import { seededRandom } from '../testing/backend_comparison';
import { compileTrainingStep } from './compile_training_step';
import { CompileError } from '../errors';

beforeAll(() => initEngine({ backend: 'ort' }));

const N = 6;
const CLASSES = 3;

/**
 * Seeded weights in [-scale, scale] (variances and activation clips in [0.5, 1.5]). Small enough that no probability
 * falls below 1e-7, where TF.js's cross-entropy clips it (and its gradient).
 */
function randomized(model: tfl.LayersModel, seed: number, scale = 1): tfl.LayersModel {
  const r = seededRandom(seed);
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(Float32Array.from({ length: w.size }, () => (/variance|clip/.test(model.weights[i].name) ? 0.5 + r() : (r() * 2 - 1) * scale)), w.shape)));
  return model;
}

const dense = () =>
  randomized(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [7], units: 5, activation: 'relu' }), batchNormalization(), tfl.layers.dense({ units: 4, useBias: false }), tfl.layers.batchNormalization(), tfl.layers.activation({ activation: 'relu' }), tfl.layers.dense({ units: CLASSES, activation: 'softmax' })] }), 3);

const conv = () =>
  randomized(
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 7, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        batchNormalization(),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({ filters: 3, kernelSize: 2, useBias: false }),
        tfl.layers.reLU(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
      ],
    }),
    5,
  );

const reshapes = () =>
  randomized(
    tfl.sequential({
      layers: [
        tfl.layers.reshape({ inputShape: [4, 3, 2], targetShape: [24] }),
        tfl.layers.dense({ units: 18, activation: 'relu' }),
        tfl.layers.reshape({ targetShape: [3, 3, 2] }),
        tfl.layers.conv2d({ filters: 2, kernelSize: 2 }),
        tfl.layers.reshape({ targetShape: [2, 4] }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
      ],
    }),
    6,
  );

/** Planes of more than SMALL_PLANE output positions: onnxruntime's Conv and ConvTranspose per image (smaller ones are one GEMM over the batch's patches). */
const largePlanes = () =>
  randomized(
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [12, 11, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tfl.layers.conv2d({ filters: 2, kernelSize: 2, useBias: false }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
      ],
    }),
    9,
    0.5,
  );

const smooth = () =>
  randomized(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [7], units: 5, activation: 'tanh' }), tfl.layers.dense({ units: 4, activation: 'sigmoid' }), tfl.layers.activation({ activation: 'tanh' }), tfl.layers.dense({ units: CLASSES, activation: 'softmax' })] }), 4);

/** Quantized activations of every kind, their clips learned: unsigned 2-bit, ternary, binary. */
const quantizedActivations = () =>
  randomized(
    tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [7], units: 6 }),
        batchNormalization(),
        quantizedActivation({ bits: 2, signed: false, range: 'learned', clip: 1 }),
        tfl.layers.dense({ units: 5, useBias: false }),
        batchNormalization(),
        quantizedActivation({ bits: 2, signed: true, range: 'learned', clip: 1 }),
        tfl.layers.dense({ units: 4 }),
        quantizedActivation({ bits: 1, signed: true, range: 'fixed', clip: 1 }),
        tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
      ],
    }),
    8,
  );

/** A functional model with what imported torchvision classifiers have: padding, strided and depthwise convolutions, ReLU6, a residual addition, padded max pooling, global pooling. */
const residual = () => {
  const input = tfl.input({ shape: [9, 9, 2] });
  const padded = tfl.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(input) as tfl.SymbolicTensor;
  const stem = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2 }).apply(padded) as tfl.SymbolicTensor;
  const relu6 = tfl.layers.reLU({ maxValue: 0.5 }).apply(stem) as tfl.SymbolicTensor;
  const depthwise = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }).apply(relu6) as tfl.SymbolicTensor;
  const normalized = batchNormalization().apply(depthwise) as tfl.SymbolicTensor;
  const sum = tfl.layers.add().apply([normalized, relu6]) as tfl.SymbolicTensor;
  const branch = tfl.layers.conv2d({ filters: 4, kernelSize: 2, strides: 2, activation: 'relu' }).apply(tfl.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(sum) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const strided = tfl.layers.depthwiseConv2d({ kernelSize: 2, strides: 2, padding: 'same' }).apply(sum) as tfl.SymbolicTensor;
  const pooled = tfl.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(tfl.layers.add().apply([branch, strided]) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const features = tfl.layers.globalAveragePooling2d({}).apply(pooled) as tfl.SymbolicTensor;
  return randomized(tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: CLASSES, activation: 'softmax' }).apply(features) as tfl.SymbolicTensor }), 7, 0.5);
};

function batch(model: tfl.LayersModel, seed: number) {
  const r = seededRandom(seed);
  const shape = [N, ...(model.inputs[0].shape.slice(1) as number[])];
  const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1);
  const y = Float32Array.from({ length: N * CLASSES }, (_, i) => (i % CLASSES === Math.floor(i / CLASSES) % CLASSES ? 1 : 0));
  return { x, y, shape };
}

const relativeError = (a: Float32Array, b: Float32Array) => {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) (d = Math.max(d, Math.abs(a[i] - b[i]))), (m = Math.max(m, Math.abs(b[i])));
  return d / Math.max(m, 1e-12);
};

test.each([
  ['dense layers with both BatchNorms', dense],
  ["convolutions ('same' and 'valid'), BatchNorm, max pooling, flatten", conv],
  ['convolutions of large planes', largePlanes],
  ['reshapes between images and vectors (channels-last as TF.js)', reshapes],
  ['padding, strided and depthwise convolutions, ReLU6, residual additions, padded pooling, global pooling', residual],
  ['tanh and sigmoid activations', smooth],
  ['quantized activations (unsigned, ternary and binary; learned clips)', quantizedActivations],
])('%s: one SGD step moves each weight by its TF.js gradient within 1e-4', (_, make) => {
  const model = make();
  const { x, y, shape } = batch(model, 9);
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value: expectedLoss, grads } = tf.variableGrads(
    () => tf.tidy(() => tf.mean(tfl.metrics.categoricalCrossentropy(tf.tensor(y, [N, CLASSES]), model.apply(tf.tensor(x, shape), { training: true }) as tf.Tensor)) as tf.Scalar),
    trainable,
  );
  const before = trainable.map((v) => v.dataSync().slice() as Float32Array);
  const expected = trainable.map((v, i) => before[i].map((w, k) => w - (grads[v.name].dataSync() as Float32Array)[k]));
  // TF.js's own pass in training mode moved the moving statistics once; the compiled step must move them the same way from the same start.
  const moving = model.weights.filter((w) => /moving/.test(w.name));
  const movedByTf = moving.map((w) => w.read().dataSync().slice() as Float32Array);

  const fresh = make();
  const step = compileTrainingStep(fresh, { optimizer: { kind: 'sgd', learningRate: 1 } });
  const { loss } = step.step(x, y);
  step.writeBack();
  step.dispose();
  expect(loss).toBeCloseTo(expectedLoss.dataSync()[0], 4);
  fresh.trainableWeights.forEach((w, i) => expect({ weight: w.name, error: relativeError(w.read().dataSync() as Float32Array, expected[i]) < 1e-4 }).toEqual({ weight: w.name, error: true }));
  fresh.weights.filter((w) => /moving/.test(w.name)).forEach((w, i) => expect(relativeError(w.read().dataSync() as Float32Array, movedByTf[i])).toBeLessThan(1e-4));
}, 60_000);

test.each([
  ["the engine's Adam", () => adam(0.01), { kind: 'adam', learningRate: 0.01 }],
  ["TF.js's momentum", () => tf.train.momentum(0.05, 0.9), { kind: 'momentum', learningRate: 0.05, momentum: 0.9 }],
  ["TF.js's momentum with Nesterov's look-ahead", () => tf.train.momentum(0.05, 0.9, true), { kind: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true }],
] as const)("%s: the first steps give model.fit's losses, and its state as TF.js's optimizer keeps it", async (_, optimizer, stepOptimizer) => {
  const reference = conv();
  const { x, y, shape } = batch(reference, 11);
  const referenceOptimizer = optimizer();
  reference.compile({ optimizer: referenceOptimizer, loss: 'categoricalCrossentropy' });
  const history = await reference.fit(tf.tensor(x, shape), tf.tensor(y, [N, CLASSES]), { epochs: 4, batchSize: N, shuffle: false, verbose: 0 });
  const step = compileTrainingStep(conv(), { optimizer: stepOptimizer });
  const losses = Array.from({ length: 4 }, () => step.step(x, y).loss);
  const state = step.optimizerState();
  step.dispose();
  (history.history.loss as number[]).forEach((expected, i) => expect(losses[i]).toBeCloseTo(expected, 4));
  expect(losses[3]).toBeLessThan(losses[0]);
  // getWeights: the iterations, then each slot weight by weight, as OptimizerState orders them.
  const [, ...slots] = await referenceOptimizer.getWeights();
  expect(slots.length).toBe(state.slots.flat().length);
  state.slots.flat().forEach((values, i) => expect({ slot: slots[i].name, error: relativeError(values, slots[i].tensor.dataSync() as Float32Array) < 1e-3 }).toEqual({ slot: slots[i].name, error: true }));
}, 60_000);

test('batches of any size; the written-back weights and optimizer state continue the same run in another compiled step', () => {
  const model = conv();
  const { x, y } = batch(model, 12);
  const sample = x.length / N;
  const optimizer = { kind: 'adam', learningRate: 0.01 } as const;
  const a = compileTrainingStep(model, { optimizer });
  a.step(x, y);
  // Two samples only: the batch is the graph's symbolic dimension.
  expect(Number.isFinite(a.step(x.subarray(0, 2 * sample), y.subarray(0, 2 * CLASSES)).loss)).toBe(true);
  a.writeBack();
  const snapshot = model.getWeights().map((t) => t.clone());
  const state = a.optimizerState();
  expect(state.steps).toBe(2);
  const expected = [a.step(x, y).loss, a.step(x, y).loss];
  a.dispose();
  const resumed = conv();
  resumed.setWeights(snapshot);
  const b = compileTrainingStep(resumed, { optimizer });
  b.setOptimizerState(state);
  const losses = [b.step(x, y).loss, b.step(x, y).loss];
  b.dispose();
  losses.forEach((loss, i) => expect(loss).toBeCloseTo(expected[i], 5));
  // Without the moments the run differs: the state matters.
  const fresh = conv();
  fresh.setWeights(snapshot);
  const c = compileTrainingStep(fresh, { optimizer });
  c.setOptimizerState({ steps: 2, slots: [] });
  c.step(x, y);
  expect(Math.abs(c.step(x, y).loss - expected[1])).toBeGreaterThan(1e-4);
  c.dispose();
  tf.dispose(snapshot);
});

test('layers it does not compile are CompileErrors naming them', () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'elu', name: 'odd' }), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
  expect(() => compileTrainingStep(model, { optimizer: { kind: 'sgd', learningRate: 1 } })).toThrow(new CompileError("activation 'elu' is not compiled", 'odd'));
  const noSoftmax = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2 })] });
  expect(() => compileTrainingStep(noSoftmax, { optimizer: { kind: 'sgd', learningRate: 1 } })).toThrow(/must end in a softmax/);
});

test("dropout: each step drops about its rate of the values, new ones every step, and the weights move by TF.js's gradient through the same kept values", () => {
  const UNITS = 64;
  const RATE = 0.5;
  const make = () => randomized(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [7], units: UNITS }), tfl.layers.dropout({ rate: RATE }), tfl.layers.dense({ units: CLASSES, activation: 'softmax' })] }), 8, 0.3);
  const { x, y } = batch(make(), 13);
  const one = { x: x.subarray(0, 7), y: y.subarray(0, CLASSES) }; // one sample: a unit's hidden value is dropped or kept whole
  const model = make();
  const before = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  const step = compileTrainingStep(model, { optimizer: { kind: 'sgd', learningRate: 1 } });
  // Which units a step kept: the rows of the output layer's kernel it moved (their gradient is the kept hidden value times the logits' gradient).
  const keptBy = (previous: Float32Array) => {
    step.writeBack();
    const kernel = model.layers[2].getWeights()[0].dataSync();
    return Array.from({ length: UNITS }, (_, j) => Array.from({ length: CLASSES }, (_, c) => kernel[j * CLASSES + c] !== previous[j * CLASSES + c]).some(Boolean));
  };
  step.step(one.x, one.y);
  const kept = keptBy(before[2]);
  const afterFirst = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  step.step(one.x, one.y);
  const keptSecond = keptBy(afterFirst[2]);
  step.dispose();
  const dropped = kept.filter((k) => !k).length;
  expect(dropped).toBeGreaterThan(UNITS * RATE - 16);
  expect(dropped).toBeLessThan(UNITS * RATE + 16);
  expect(keptSecond).not.toEqual(kept);

  // TF.js's gradient of the same loss with those units dropped and the rest scaled by 1 / (1 - rate).
  const reference = make();
  const trainable = reference.trainableWeights.map((v) => v.read() as tf.Variable);
  const scale = tf.tensor(kept.map((k) => (k ? 1 / (1 - RATE) : 0)), [1, UNITS]);
  const { grads } = tf.variableGrads(() => {
    const hidden = tf.mul(reference.layers[0].apply(tf.tensor(one.x, [1, 7])) as tf.Tensor, scale);
    return tf.mean(tfl.metrics.categoricalCrossentropy(tf.tensor(one.y, [1, CLASSES]), reference.layers[2].apply(hidden) as tf.Tensor)) as tf.Scalar;
  }, trainable);
  trainable.forEach((v, i) => {
    const expected = before[i].map((w, k) => w - (grads[v.name].dataSync() as Float32Array)[k]);
    expect({ weight: v.name, close: relativeError(afterFirst[i], expected) < 1e-4 }).toEqual({ weight: v.name, close: true });
  });
  scale.dispose();

  // Seeded, a new step draws the same: two steps of the same seed end with the same weights, another seed's do not.
  const seededRun = (seed: number) => {
    const seeded = make();
    const s = compileTrainingStep(seeded, { optimizer: { kind: 'sgd', learningRate: 1 }, seed });
    s.step(x, y);
    s.step(x, y);
    s.writeBack();
    s.dispose();
    return seeded.layers[2].getWeights()[0].dataSync();
  };
  expect(seededRun(3)).toEqual(seededRun(3));
  expect(seededRun(3)).not.toEqual(seededRun(4));
});

test('run(): batches taken several to a call into onnxruntime give what step() on each gives, batches of another size in a run of their own', () => {
  const withDropout = () => randomized(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [7], units: 16, activation: 'relu' }), tfl.layers.dropout({ rate: 0.25 }), batchNormalization(), tfl.layers.dense({ units: CLASSES, activation: 'softmax' })] }), 2, 0.5);
  const { x, y } = batch(withDropout(), 21);
  const sample = x.length / N;
  // Five batches of N, two of two samples, one of N; each step's learning rate its own.
  const sizes = [N, N, N, N, N, 2, 2, N];
  const batches = sizes.map((size, i) => ({ x: x.map((v) => v * (1 + 0.1 * i)).subarray(0, size * sample), y: y.subarray(0, size * CLASSES), feeds: { learningRate: 0.01 * (1 + i) } }));
  const train = (stepsPerRun: number, together: boolean) => {
    const model = withDropout();
    const step = compileTrainingStep(model, { optimizer: { kind: 'adam', learningRate: 0.01 }, seed: 5, stepsPerRun });
    const results = together ? step.run(batches) : batches.map((b) => step.step(b.x, b.y, b.feeds));
    const { steps } = step.optimizerState();
    step.writeBack();
    step.dispose();
    return { results, steps, weights: model.getWeights().map((w) => Array.from(w.dataSync())) };
  };
  const oneByOne = train(1, false);
  expect(oneByOne.steps).toBe(sizes.length);
  expect(new Set(oneByOne.results.map((r) => r.loss)).size).toBe(sizes.length);
  // Runs of 3, 2 | 2 | 1 batches; of 5 | 2 | 1.
  for (const stepsPerRun of [3, 8]) {
    const together = train(stepsPerRun, true);
    expect(together.steps).toBe(sizes.length);
    expect(together.results).toEqual(oneByOne.results);
    expect(together.weights).toEqual(oneByOne.weights);
  }
  // A batch of the wrong size is refused before any step is taken.
  const model = withDropout();
  const step = compileTrainingStep(model, { optimizer: { kind: 'sgd', learningRate: 0.1 } });
  expect(step.stepsPerRun).toBe(8);
  const nine = Array.from({ length: 9 }, () => batches[0]);
  expect(() => step.run([...nine, { x: x.subarray(0, sample + 1), y: y.subarray(0, CLASSES) }])).toThrow(CompileError);
  expect(step.optimizerState().steps).toBe(0);
  step.dispose();
  expect(() => compileTrainingStep(withDropout(), { optimizer: { kind: 'sgd', learningRate: 0.1 }, stepsPerRun: 0 })).toThrow(new CompileError('stepsPerRun must be a positive integer, got 0'));
});
