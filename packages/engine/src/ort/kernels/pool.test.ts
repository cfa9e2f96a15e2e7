import * as tf from '@tensorflow/tfjs-core';
import { compareBackends, pick, randomValues, seededRandom, startOrt } from '../../testing/backend_comparison';

beforeAll(() => startOrt());

const rng = seededRandom(21);
const cases = Array.from({ length: 30 }, (_, i) => {
  const k = pick(rng, [1, 2, 3]);
  return {
    i,
    n: pick(rng, [1, 3, 16]),
    h: k + Math.floor(rng() * 12),
    w: k + Math.floor(rng() * 12),
    c: pick(rng, [1, 4, 32, 64]),
    k,
    stride: pick(rng, [1, 2, 3]),
    pad: pick(rng, ['same', 'valid'] as const),
    // Rectified inputs: many windows of all zeros, where the first max must get the gradient.
    relu: rng() < 0.5,
    seed: Math.floor(rng() * 1e9),
  };
});

describe('MaxPool, AvgPool and their gradients on ort match the cpu kernels', () => {
  test.each(cases)('case $i: x [$n,$h,$w,$c] k$k s$stride $pad relu=$relu', (c) => {
    const values = randomValues(seededRandom(c.seed), c.n * c.h * c.w * c.c);
    const { relError, ortRuns } = compareBackends(() => {
      let x = tf.tensor4d(values, [c.n, c.h, c.w, c.c]);
      if (c.relu) x = tf.relu(x);
      // sum(pool(x) * pool(x)) makes dy vary across outputs.
      const maxLoss = (t: tf.Tensor) => tf.sum(tf.square(tf.maxPool(t as tf.Tensor4D, c.k, c.stride, c.pad)));
      const avgLoss = (t: tf.Tensor) => tf.sum(tf.square(tf.avgPool(t as tf.Tensor4D, c.k, c.stride, c.pad)));
      return [tf.maxPool(x, c.k, c.stride, c.pad), tf.avgPool(x, c.k, c.stride, c.pad), tf.grad(maxLoss)(x), tf.grad(avgLoss)(x)];
    });
    expect(relError).toBeLessThan(1e-4);
    expect(ortRuns > 0).toBe(c.n * c.h * c.w * c.c >= 4096);
  });
});
