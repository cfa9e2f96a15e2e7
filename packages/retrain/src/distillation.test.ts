// Label smoothing and distillation against hand-computed values: one SGD step (learning rate 1)
// of a single dense layer of logits s = x W on one batch, compiled and kernel by kernel alike. By
// hand, in float64: the loss (1 - a) CE(y', softmax(s)) + a T^2 KL(q || softmax(s / T)) and
// W' = W - x^T [(1 - a)(softmax(s) - y') + a T (softmax(s / T) - q)] / N, with y' the smoothed
// labels and q the teacher's probabilities at T (the teacher: another dense layer, run by teacherOf).
import { initEngine } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { teacherOf, temperedSoftmax } from './distillation';
import { train } from './train';
import { CLASSES, data, FEATURES, labels, N, x } from './testing/tiny_batch';

beforeAll(() => initEngine({ backend: 'ort' }));

const W = [0.5, -0.3, 0.2, -0.4, 0.8, 0.1, 0.3, 0.6, -0.7];
const TEACHER_W = [1.2, -0.5, 0.3, 0.2, 0.9, -1.1, -0.6, 0.4, 1.5];

const denseModel = (weights: number[]) => {
  const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [1, FEATURES, 1] }), tfl.layers.dense({ units: CLASSES, useBias: false })] });
  model.setWeights([tf.tensor2d(weights, [FEATURES, CLASSES])]);
  return model;
};

/** Row r of x W. */
const logitsOf = (weights: number[], r: number) => Array.from({ length: CLASSES }, (_, k) => Array.from({ length: FEATURES }, (_, i) => x[r * FEATURES + i] * weights[i * CLASSES + k]).reduce((a, b) => a + b));
const softmax = (s: number[], t = 1) => {
  const e = s.map((v) => Math.exp(v / t));
  const sum = e.reduce((a, b) => a + b);
  return e.map((v) => v / sum);
};

/** The loss and the weights after one step, by hand. */
function byHand(smoothing: number, distill?: { temperature: number; weight: number }) {
  const { temperature: t, weight: a } = distill ?? { temperature: 1, weight: 0 };
  let loss = 0;
  const g = Array.from({ length: N }, (_, r) => {
    const s = logitsOf(W, r);
    const y = Array.from({ length: CLASSES }, (_, k) => (k === labels[r] ? 1 - smoothing : 0) + smoothing / CLASSES);
    const [p, pT, q] = [softmax(s), softmax(s, t), softmax(logitsOf(TEACHER_W, r), t)];
    loss += ((1 - a) * -y.reduce((sum, yk, k) => sum + yk * Math.log(p[k]), 0) + a * t * t * q.reduce((sum, qk, k) => sum + qk * Math.log(qk / pT[k]), 0)) / N;
    return p.map((pk, k) => ((1 - a) * (pk - y[k]) + a * t * (pT[k] - q[k])) / N);
  });
  const next = W.map((w, j) => w - Array.from({ length: N }, (_, r) => x[r * FEATURES + Math.floor(j / CLASSES)] * g[r][j % CLASSES]).reduce((s, v) => s + v));
  return { loss, next };
}

describe.each(['compiled', 'kernels'] as const)('one step, %s', (trainingStep) => {
  test.each([
    ['label smoothing 0.1', 0.1, undefined],
    ['distillation at T = 4, weight 0.7', 0, { temperature: 4, weight: 0.7 }],
    ['both, T = 2, weight 0.5', 0.2, { temperature: 2, weight: 0.5 }],
  ] as const)("%s: the loss and the step's weights by hand within 1e-5", async (_, labelSmoothing, distill) => {
    const model = denseModel(W);
    const teacherModel = denseModel(TEACHER_W);
    const teacher = teacherOf(teacherModel);
    const { history, trainingStep: how } = await train(model, data, {
      epochs: 1,
      batchSize: N,
      optimizer: 'sgd',
      learningRate: 1,
      trainingStep,
      labelSmoothing,
      ...(distill ? { distillation: { ...distill, teacher } } : {}),
    });
    teacher.dispose();
    expect(how.kind).toBe(trainingStep);
    const expected = byHand(labelSmoothing, distill);
    expect(Math.abs(history[0].loss - expected.loss)).toBeLessThan(1e-5);
    const weights = Array.from(model.getWeights()[0].dataSync());
    expect(Math.max(...weights.map((w, i) => Math.abs(w - expected.next[i])))).toBeLessThan(1e-5);
    // The step moved the weights by more than the tolerance: the comparison can fail.
    expect(Math.max(...weights.map((w, i) => Math.abs(w - W[i])))).toBeGreaterThan(1e-2);
  }, 60_000);
});

test("temperedSoftmax and teacherOf: the teacher's logits softened by T, rows summing to 1", () => {
  expect(Array.from(temperedSoftmax(Float32Array.of(1, 2, 3, 0, 0, 0), 3, 2))).toEqual([...softmax([1, 2, 3], 2), 1 / 3, 1 / 3, 1 / 3].map((v) => expect.closeTo(v, 6)));
  const teacher = teacherOf(denseModel(TEACHER_W));
  const q = teacher.probabilities(Float32Array.from(x), 4);
  teacher.dispose();
  expect(Array.from(q)).toEqual(Array.from({ length: N }, (_, r) => softmax(logitsOf(TEACHER_W, r), 4)).flat().map((v) => expect.closeTo(v, 6)));
});
