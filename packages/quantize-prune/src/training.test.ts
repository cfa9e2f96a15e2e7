import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '@sparse-ternary/engine';
import { quantizationPrune, ternarizeModel } from './prune';
import { quantizedLayers } from './quantized_layers';
import { twnQuantizer } from './quantizer';
import { straightThroughStep } from './straight_through';

beforeAll(() => initEngine({ backend: 'cpu' }));

const KERNEL = [0.9, -0.2, 0.05, -0.6, 0.3, 0.0];
const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.meanSquaredError(yTrue, yPred) as tf.Scalar;

/** Dense(3 -> 2), no bias, with a known kernel. */
function tinyModel(kernel = KERNEL): tfl.Sequential {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2, useBias: false })] });
  m.layers[0].setWeights([tf.tensor2d(kernel, [3, 2])]);
  return m;
}
const x = () => tf.tensor2d([1, 2, 3, -1, 0.5, 2], [2, 3]);
const y = () => tf.tensor2d([1, -1, 0.5, 2], [2, 2]);
const kernelOf = (m: tfl.LayersModel) => Array.from(m.layers[0].getWeights()[0].dataSync());

/** dL/dq at q = TWN(KERNEL), computed on its own: the gradient straight-through training must apply. */
function gradientAtQuantized(): number[] {
  return tf.tidy(() => {
    const { q } = twnQuantizer().quantize(tf.tensor2d(KERNEL, [3, 2]));
    return Array.from(tf.grad((qv: tf.Tensor) => mse(y(), tf.matMul(x(), qv)))(q).dataSync());
  });
}

describe('straightThroughStep', () => {
  test('moves the float weights by exactly the gradient taken at the quantized weights', () => {
    const m = tinyModel();
    const result = straightThroughStep(m, x(), y(), { quantizer: twnQuantizer(), optimizer: tf.train.sgd(0.1), loss: mse });
    const g = gradientAtQuantized();
    kernelOf(m).forEach((w, i) => expect(w).toBeCloseTo(KERNEL[i] - 0.1 * g[i], 6));
    expect(result.layers[0]).toMatchObject({ alpha: expect.closeTo(0.6, 6), delta: expect.closeTo((0.7 * 2.05) / 6, 6) });
  }, 120_000); // trains: room for a machine shared with other work

  test('adds the penalty gradient taken at the float weights, and clips', () => {
    const m = tinyModel();
    const lambda = 0.5;
    const result = straightThroughStep(m, x(), y(), {
      quantizer: twnQuantizer(),
      optimizer: tf.train.sgd(0.1),
      loss: mse,
      clip: 0.8, // |0.9| > 0.8: that weight's gradient is zeroed
      penalty: ([layer]) => tf.mul(lambda, tf.sum(tf.square(layer.w))) as tf.Scalar,
    });
    const g = gradientAtQuantized();
    const expected = KERNEL.map((w, i) => (Math.abs(w) > 0.8 ? w : w - 0.1 * (g[i] + 2 * lambda * w)));
    kernelOf(m).forEach((w, i) => expect(w).toBeCloseTo(expected[i], 6));
    expect(result.penalty).toBeCloseTo(lambda * KERNEL.reduce((s, w) => s + w * w, 0), 5);
  }, 120_000); // trains: room for a machine shared with other work

  test('pruned weights stay exactly 0 under further updates (momentum included)', () => {
    const m = tinyModel();
    const { masks, layers } = quantizationPrune(m, twnQuantizer());
    expect(layers[0]).toMatchObject({ nonZeros: 3, size: 6, sparsity: 0.5 });
    expect(kernelOf(m).map((w) => w === 0)).toEqual([false, true, true, false, false, true]);
    const optimizer = tf.train.momentum(0.1, 0.9);
    for (let i = 0; i < 5; i++) straightThroughStep(m, x(), y(), { quantizer: twnQuantizer(), optimizer, loss: mse, masks });
    const after = kernelOf(m);
    expect([after[1], after[2], after[5]]).toEqual([0, 0, 0]);
    expect(after[0]).not.toBe(0.9); // the survivors did train
    // The deployed network is sparse ternary with exactly the mask's non-zeros.
    const report = ternarizeModel(m, twnQuantizer(), masks);
    const alpha = report.layers[0].alpha;
    expect(kernelOf(m).map((w) => (w === 0 ? 0 : Math.abs(w)))).toEqual([alpha, 0, 0, alpha, alpha, 0].map((v) => (v === 0 ? 0 : expect.closeTo(v, 6))));
    expect(report.sparsity).toBe(0.5);
  }, 120_000); // trains: room for a machine shared with other work
});

describe('layers and policy', () => {
  function convNet(): tfl.Sequential {
    return tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, useBias: true }),
        tfl.layers.batchNormalization(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 8 }),
        tfl.layers.dense({ units: 3 }),
      ],
    });
  }

  test('finds the kernels of conv and dense layers only (not biases or BatchNorm)', () => {
    const refs = quantizedLayers(convNet());
    expect(refs.map((r) => r.kernel.shape)).toEqual([[3, 3, 1, 4], [64, 8], [8, 3]]);
    expect(refs.map((r) => r.treatment)).toEqual(['quantize', 'quantize', 'quantize']);
  }, 120_000); // trains: room for a machine shared with other work

  test('the first layer can stay float and the last dense (quantized, never pruned)', () => {
    const m = convNet();
    const firstBefore = Array.from(m.layers[0].getWeights()[0].dataSync());
    const { masks, layers } = quantizationPrune(m, twnQuantizer(), { first: 'float', last: 'dense' });
    expect(layers.map((l) => l.treatment)).toEqual(['float', 'quantize', 'dense']);
    expect(masks.has(layers[0].name)).toBe(false);
    expect(Array.from(m.layers[0].getWeights()[0].dataSync())).toEqual(firstBefore);
    expect(layers[2].sparsity).toBe(0);
    expect(layers[1].sparsity).toBeGreaterThan(0.3); // TWN zeroes about 40-50% of a Gaussian-like layer
  }, 120_000); // trains: room for a machine shared with other work
});

describe('on a model from @sparse-ternary/models, on the ort backend', () => {
  test('straight-through TWN training lowers the loss of SFC and prunes it', async () => {
    const { sfc } = await import('@sparse-ternary/models');
    await initEngine({ backend: 'ort' });
    const m = sfc({ widthMultiplier: 0.25, seed: 3 });
    const xs = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 5);
    const ys = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32', 6), 10);
    const loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, tf.log(tf.add(yPred, 1e-7))) as tf.Scalar;
    const optimizer = tf.train.adam(0.01);
    const losses = Array.from({ length: 30 }, () => straightThroughStep(m, xs, ys, { quantizer: twnQuantizer(), optimizer, loss }).loss);
    expect(losses[29]).toBeLessThan(losses[0] * 0.7);
    const { layers, sparsity } = quantizationPrune(m, twnQuantizer());
    expect(layers).toHaveLength(4); // three hidden dense layers and the classifier; BatchNorm is not quantized
    expect(sparsity).toBeGreaterThan(0.3);
    await initEngine({ backend: 'cpu' });
  }, 120_000); // trains: room for a machine shared with other work
});
