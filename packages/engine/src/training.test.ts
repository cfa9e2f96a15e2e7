// End-to-end checks of the 'ort' backend on training workloads, against the 'cpu' backend.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adam } from './fused/fused_adam';
import { batchNormalization } from './fused/fused_batch_normalization';
import { initEngine } from './init_engine';
import type { OrtBackend } from './ort/ort_backend';
import { compareBackends, randomValues, seededRandom, startOrt } from './testing/backend_comparison';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const ortBackend = () => tf.findBackend('ort') as OrtBackend;

describe("training on 'ort' agrees with 'cpu'", () => {
  beforeAll(() => startOrt());

  test('tf.grads of a small conv net with BatchNorm agree within 1e-4', () => {
    const r = seededRandom(17);
    const shapes = { x: [8, 12, 12, 3], f1: [3, 3, 3, 16], f2: [3, 3, 16, 32], w: [3 * 3 * 32, 10] };
    const values = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, randomValues(r, size(s))]));
    const labels = Array.from({ length: 8 }, (_, i) => (i * 3) % 10);
    const { relError, ortRuns } = compareBackends(() => {
      const [x, f1, f2, w] = (['x', 'f1', 'f2', 'w'] as const).map((k) => tf.tensor(values[k], shapes[k]));
      const gamma = tf.fill([16], 1.2);
      const beta = tf.fill([16], 0.1);
      const loss = (xv: tf.Tensor, f1v: tf.Tensor, f2v: tf.Tensor, wv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        let h: tf.Tensor = tf.conv2d(xv as tf.Tensor4D, f1v as tf.Tensor4D, 1, 'same');
        const { mean, variance } = tf.moments(h, [0, 1, 2]); // TF.js's own batch norm ops
        h = tf.relu(tf.batchNorm(h, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3));
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
        h = tf.conv2d(h as tf.Tensor4D, f2v as tf.Tensor4D, 1, 'same');
        h = tf.relu(h);
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
        const logits = tf.matMul(tf.reshape(h, [8, -1]), wv);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), logits);
      };
      return tf.grads(loss)([x, f1, f2, w, gamma, beta]);
    });
    expect(relError).toBeLessThan(1e-4);
    expect(ortRuns).toBeGreaterThan(10);
  }, 120_000); // trains: room for a machine shared with other work

  /** A seeded MLP (with the fused BatchNorm and Adam), trained `steps` steps; returns its losses. */
  async function trainMlp(backend: 'cpu' | 'ort', steps: number): Promise<number[]> {
    tf.setBackend(backend);
    const r = seededRandom(23);
    const x = tf.tensor2d(randomValues(r, 64 * 48), [64, 48]);
    const y = tf.oneHot(Array.from({ length: 64 }, () => Math.floor(r() * 10)), 10);
    const m = tfl.sequential();
    m.add(tfl.layers.dense({ inputShape: [48], units: 128, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
    m.add(batchNormalization());
    m.add(tfl.layers.activation({ activation: 'relu' }));
    m.add(tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
    m.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push((await m.trainOnBatch(x, y)) as number);
    m.dispose();
    tf.dispose([x, y]);
    return losses;
  }

  test('300 steps of a small MLP end at the same loss within 1e-3', async () => {
    const runsBefore = ortBackend().stats.ortRuns;
    const ort = await trainMlp('ort', 300);
    expect(ortBackend().stats.ortRuns - runsBefore).toBeGreaterThan(300);
    const cpu = await trainMlp('cpu', 300);
    expect(ort[299]).toBeLessThan(ort[0] / 2); // it learns
    expect(Math.abs(ort[299] - cpu[299])).toBeLessThan(1e-3);
  }, 120_000); // trains: room for a machine shared with other work
});

describe("the 'ort' backend's resources stay bounded", () => {
  test('no tensor leaks: numTensors is stable across 100 training steps', async () => {
    await startOrt();
    tf.setBackend('ort');
    const r = seededRandom(4);
    const x = tf.tensor4d(randomValues(r, 16 * 10 * 10 * 3), [16, 10, 10, 3]);
    const y = tf.oneHot(Array.from({ length: 16 }, (_, i) => i % 10), 10);
    const m = tfl.sequential();
    m.add(tfl.layers.conv2d({ inputShape: [10, 10, 3], filters: 16, kernelSize: 3, useBias: false }));
    m.add(batchNormalization());
    m.add(tfl.layers.activation({ activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
    m.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
    for (let i = 0; i < 5; i++) await m.trainOnBatch(x, y);
    const settled = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await m.trainOnBatch(x, y);
    expect(tf.memory().numTensors).toBe(settled);
  }, 120_000); // trains: room for a machine shared with other work

  test('the session cache is an LRU bounded by maxOrtSessions, and evicted graphs rebuild correctly', async () => {
    await initEngine({ backend: 'ort', maxOrtSessions: 4 });
    const backend = ortBackend();
    const built = backend.stats.sessionsBuilt;
    const sums = Array.from({ length: 10 }, (_, i) => tf.tidy(() => tf.sum(tf.ones([64, 64 + i]), 1).dataSync()[0]));
    expect(sums).toEqual(Array.from({ length: 10 }, (_, i) => 64 + i));
    expect(backend.stats.sessionsCached).toBe(4);
    expect(backend.stats.sessionsBuilt - built).toBe(10);
    // The first shape was evicted: using it again builds its session anew and still computes right.
    expect(tf.tidy(() => tf.sum(tf.ones([64, 64]), 1).dataSync()[0])).toBe(64);
    expect(backend.stats.sessionsBuilt - built).toBe(11);
    await initEngine({ backend: 'ort', maxOrtSessions: 512 });
  }, 120_000); // trains: room for a machine shared with other work
});
