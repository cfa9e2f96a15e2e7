import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import type { Regularizer } from './regularizer';
import { l1, l2, qtrCost, qtrDeadzone, totalPenalty } from './regularizers';
import { linearWarmup } from './schedule';

beforeAll(() => initEngine({ backend: 'cpu' }));

const W = [0.5, -0.05, 0.02, -1.0];
const weights = (values: number[] | tf.Tensor) => [
  { name: 'dense/kernel', w: values instanceof tf.Tensor ? values : tf.tensor2d(values, [2, 2]), delta: 0.1, cost: 2 },
];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const value = (r: Regularizer, values = W, step = 0) => tf.tidy(() => r.penalty(weights(values), step).dataSync()[0]);

describe('regularizer values, hand-computed', () => {
  test('L2: lambda * sum w^2', () => expect(value(l2(0.5))).toBeCloseTo(0.5 * (0.25 + 0.0025 + 0.0004 + 1), 6));
  test('L1: lambda * sum |w|', () => expect(value(l1(0.5))).toBeCloseTo(0.5 * 1.57, 6));
  test('qtr-deadzone: lambda * sum of |w| over |w| <= Delta', () => expect(value(qtrDeadzone(2))).toBeCloseTo(2 * (0.05 + 0.02), 6));
  test('qtr-cost: lambda * c * sum sigmoid((|w| - Delta) / (kappa * Delta))', () => {
    const expected = 2 * [0.5, 0.05, 0.02, 1].reduce((s, a) => s + sigmoid((a - 0.1) / 0.01), 0);
    expect(value(qtrCost(1, { kappa: 0.1 }))).toBeCloseTo(expected, 5);
  });
  test('qtr-cost ignores layers whose threshold is 0', () => {
    expect(tf.tidy(() => qtrCost(1).penalty([{ name: 'x', w: tf.ones([3]), delta: 0, cost: 1 }], 0).dataSync()[0])).toBe(0);
  });
  test('a linear warm-up scales the strength with the step; totals add up', () => {
    const r = l1(linearWarmup(1, 10));
    expect([0, 5, 10, 50].map((step) => value(r, W, step))).toEqual([0, 0.785, 1.57, 1.57].map((v) => expect.closeTo(v, 6)));
    const total = tf.tidy(() => totalPenalty([l1(1), l2(1)], weights(W), 0).dataSync()[0]);
    expect(total).toBeCloseTo(1.57 + 1.2529, 5);
  });
});

describe('regularizer gradients match finite differences', () => {
  const point = [0.3, -0.07, 0.04, -0.8, 0.12, -0.2];
  test.each([
    ['l2', l2(0.7)],
    ['l1', l1(0.7)],
    ['qtr-deadzone', qtrDeadzone(0.7)],
    ['qtr-cost', qtrCost(0.7, { kappa: 0.5 })],
  ] as const)('%s', (_name, r) => {
    const at = (values: number[]) => tf.tidy(() => r.penalty([{ name: 'w', w: tf.tensor1d(values), delta: 0.1, cost: 1.5 }], 0).dataSync()[0]);
    const autodiff = tf.tidy(() =>
      Array.from(tf.grad((w: tf.Tensor) => r.penalty([{ name: 'w', w, delta: 0.1, cost: 1.5 }], 0))(tf.tensor1d(point)).dataSync()),
    );
    const h = 1e-3;
    point.forEach((_, i) => {
      const plus = point.map((v, j) => (j === i ? v + h : v));
      const minus = point.map((v, j) => (j === i ? v - h : v));
      const numeric = (at(plus) - at(minus)) / (2 * h);
      expect(autodiff[i]).toBeCloseTo(numeric, 2);
    });
  });
});
