import * as tf from '@tensorflow/tfjs-core';
import { compareBackends, randomValues, seededRandom, startOrt } from '../testing/backend_comparison';
import { PLAIN_BACKEND, registerPlainBackend } from '../testing/plain_backend';
import { batchNormTraining } from './batch_norm_training';

const EPS = 1e-3;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Forward outputs and gradients (w.r.t. x, gamma, beta) of sum(y * w) for a fixed random w. */
function forwardAndGrads(shape: number[], seed: number, op: 'fused' | 'composite'): tf.Tensor[] {
  const r = seededRandom(seed);
  const c = shape[shape.length - 1];
  const x = tf.tensor(randomValues(r, size(shape), -2, 3), shape);
  const gamma = tf.tensor1d(randomValues(r, c, 0.5, 1.5));
  const beta = tf.tensor1d(randomValues(r, c));
  const w = tf.tensor(randomValues(r, size(shape)), shape);
  const axes = shape.slice(0, -1).map((_, i) => i);
  const normalize = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    if (op === 'fused') return batchNormTraining(xv, g as tf.Tensor1D, b as tf.Tensor1D, EPS).y;
    const { mean, variance } = tf.moments(xv, axes);
    return tf.batchNorm(xv, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, EPS);
  };
  const { mean, variance } = batchNormTraining(x, gamma, beta, EPS);
  const grads = tf.grads((xv, g, b) => tf.sum(tf.mul(normalize(xv, g, b), w)))([x, gamma, beta]);
  return [normalize(x, gamma, beta), mean, variance, ...grads];
}

describe('batchNormTraining', () => {
  beforeAll(async () => {
    await startOrt();
    registerPlainBackend();
  });

  test.each([
    [[64, 100]],
    [[4, 6, 6, 8]],
    [[8, 12, 12, 32]],
  ])('fused kernels equal tf.moments + tf.batchNorm and their autodiff gradients on %j', (shape) => {
    tf.setBackend('cpu');
    tf.tidy(() => {
      const fused = forwardAndGrads(shape, 3, 'fused');
      const composite = forwardAndGrads(shape, 3, 'composite');
      fused.forEach((t, i) => {
        const ref = composite[i];
        const err = tf.max(tf.abs(tf.sub(t, ref))).dataSync()[0] / Math.max(tf.max(tf.abs(ref)).dataSync()[0], 1e-6);
        expect(err).toBeLessThan(1e-4);
      });
    });
  });

  test.each([
    [[64, 100]], // 6,400 elements: ort graphs
    [[8, 12, 12, 32]],
    [[5, 7]], // stays on the cpu kernels
  ])('the ort kernels match the cpu kernels on %j', (shape) => {
    const { relError, ortRuns } = compareBackends(() => forwardAndGrads(shape, 4, 'fused'));
    expect(relError).toBeLessThan(1e-4);
    expect(ortRuns > 0).toBe(size(shape) >= 4096);
  });

  test('backends without the fused kernels compute the same with tf ops', () => {
    const onPlain = () => {
      tf.setBackend(PLAIN_BACKEND);
      return tf.tidy(() => forwardAndGrads([6, 5, 5, 4], 5, 'fused').map((t) => Array.from(t.dataSync())));
    };
    const plain = onPlain();
    tf.setBackend('cpu');
    const cpu = tf.tidy(() => forwardAndGrads([6, 5, 5, 4], 5, 'fused').map((t) => Array.from(t.dataSync())));
    cpu.forEach((values, i) => values.forEach((v, j) => expect(plain[i][j]).toBeCloseTo(v, 4)));
  });
});
