import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../init_engine';
import { registerPlainBackend, PLAIN_BACKEND } from '../testing/plain_backend';
import { randomValues, seededRandom } from '../testing/backend_comparison';
import { adam } from './fused_adam';

/** Runs `steps` optimizer steps on a quadratic loss with a fixed target; returns the final values. */
function optimize(optimizer: tf.Optimizer, steps: number): Float32Array[] {
  const r = seededRandom(1);
  const shapes = [[40, 30], [30], [3, 3, 4, 8]];
  const variables = shapes.map((s, i) => tf.variable(tf.tensor(randomValues(r, s.reduce((a, b) => a * b, 1)), s), true, `w${i}-${Math.random()}`));
  const targets = shapes.map((s) => tf.tensor(randomValues(r, s.reduce((a, b) => a * b, 1), -3, 3), s));
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.addN(variables.map((v, k) => tf.sum(tf.square(tf.sub(v, targets[k]))))) as tf.Scalar);
  }
  const result = variables.map((v) => v.dataSync() as Float32Array);
  tf.dispose([...variables, ...targets]);
  return result;
}

const maxRelDiff = (a: Float32Array[], b: Float32Array[]) => {
  let diff = 0;
  let ref = 0;
  a.forEach((x, k) => x.forEach((v, i) => ((diff = Math.max(diff, Math.abs(v - b[k][i]))), (ref = Math.max(ref, Math.abs(v))))));
  return diff / ref;
};

describe('FusedAdamOptimizer', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    registerPlainBackend();
  });

  test('follows tf.train.adam step for step (fused kernel on cpu)', () => {
    tf.setBackend('cpu');
    const expected = optimize(tf.train.adam(0.05, 0.8, 0.95, 1e-6), 30);
    const actual = optimize(adam(0.05, 0.8, 0.95, 1e-6), 30);
    expect(maxRelDiff(expected, actual)).toBeLessThan(1e-5);
  });

  test('follows tf.train.adam on backends without the fused kernel (tf-op path)', () => {
    tf.setBackend(PLAIN_BACKEND);
    const expected = optimize(tf.train.adam(0.05), 30);
    const actual = optimize(adam(0.05), 30);
    expect(maxRelDiff(expected, actual)).toBeLessThan(1e-5);
  });

  test('saves and restores its moments and step count like tf.train.adam', async () => {
    tf.setBackend('cpu');
    const optimizer = adam(0.1);
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, 'restore-me');
    optimizer.minimize(() => tf.sum(tf.square(v)) as tf.Scalar);
    const weights = await optimizer.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', 'restore-me/m', 'restore-me/v']);
    const restored = adam(0.1);
    await restored.setWeights(weights);
    expect(restored.iterations).toBe(1);
    // The next step from the restored state equals the next step of the original.
    const copy = tf.variable(v.clone(), true, 'restore-me-copy');
    optimizer.minimize(() => tf.sum(tf.square(v)) as tf.Scalar);
    restored.applyGradients([{ name: 'restore-me-copy', tensor: tf.mul(copy, 2) }]);
    expect(Array.from(copy.dataSync())).toEqual(Array.from(v.dataSync()));
    expect(adam(0.1).getConfig()).toEqual({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  });
});
