import * as tf from '@tensorflow/tfjs-core';
import { compareBackends, randomValues, seededRandom, startOrt } from '../../testing/backend_comparison';

beforeAll(() => startOrt());

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Every non-empty subset of 0..rank-1. */
const axisSubsets = (rank: number): number[][] =>
  Array.from({ length: 2 ** rank - 1 }, (_, m) => Array.from({ length: rank }, (_, a) => a).filter((a) => (m + 1) & (1 << a)));

const REDUCERS: Record<string, (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor> = {
  Sum: tf.sum,
  Mean: tf.mean,
  Max: tf.max,
  Min: tf.min,
  Prod: tf.prod,
};

describe('reductions over every axis combination match the cpu kernels', () => {
  const shapes = [
    [6, 7, 9, 11], // 4,158 elements: on ort
    [3, 5, 7], // 105 elements: on the cpu kernels
  ];
  const cases = Object.keys(REDUCERS).flatMap((op) =>
    shapes.flatMap((shape) => axisSubsets(shape.length).flatMap((axes) => [true, false].map((keepDims) => ({ op, shape, axes, keepDims })))),
  );
  test.each(cases)('$op over $axes of $shape, keepDims=$keepDims', ({ op, shape, axes, keepDims }) => {
    // Prod stays finite with factors near 1.
    const [lo, hi] = op === 'Prod' ? [0.97, 1.03] : [-1, 1];
    const values = randomValues(seededRandom(axes.length * 7 + shape.length), size(shape), lo, hi);
    const { relError, ortRuns } = compareBackends(() => REDUCERS[op](tf.tensor(values, shape), axes, keepDims));
    expect(relError).toBeLessThan(1e-5);
    expect(ortRuns > 0).toBe(size(shape) >= 4096);
  });
});

describe('ArgMax matches the cpu kernel, first index among ties', () => {
  const shape = [8, 16, 40];
  test.each([0, 1, 2])('axis %i', (axis) => {
    const values = Float32Array.from(randomValues(seededRandom(axis), size(shape), 0, 4), Math.floor); // many ties
    const { relError, ortRuns } = compareBackends(() => tf.cast(tf.argMax(tf.tensor(values, shape), axis), 'float32'));
    expect(relError).toBe(0);
    expect(ortRuns).toBeGreaterThan(0);
  });
});
