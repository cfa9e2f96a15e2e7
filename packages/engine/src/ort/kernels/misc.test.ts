import * as tf from '@tensorflow/tfjs-core';
import { compareBackends, randomValues, seededRandom, startOrt } from '../../testing/backend_comparison';

beforeAll(() => startOrt());

const SHAPE = [5, 8, 9, 16]; // 5,760 elements: on ort
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const values = randomValues(seededRandom(99), size(SHAPE), -2, 2);
const x = () => tf.tensor4d(values, SHAPE as [number, number, number, number]);

const cases: [string, () => tf.Tensor][] = [
  ['Transpose [0,3,1,2]', () => tf.transpose(x(), [0, 3, 1, 2])],
  ['Transpose [3,2,1,0]', () => tf.transpose(x(), [3, 2, 1, 0])],
  ['FusedBatchNorm with [C] parameters', () => tf.batchNorm(x(), tf.fill([16], 0.3), tf.fill([16], 1.7), tf.fill([16], -0.2), tf.fill([16], 1.4), 1e-3)],
  ['FusedBatchNorm without scale and offset', () => tf.batchNorm(x(), tf.fill([16], 0.3), tf.fill([16], 1.7))],
  ['FusedBatchNorm with full-shape statistics', () => tf.batchNorm(x(), tf.mul(x(), 0.1), tf.add(tf.abs(x()), 0.5))],
  ['Softmax', () => tf.softmax(tf.reshape(x(), [45, 128]))],
  ['Cast float32 -> int32 (truncation)', () => tf.cast(tf.cast(tf.mul(x(), 10), 'int32'), 'float32')],
  ['Cast float32 -> bool', () => tf.cast(tf.cast(tf.round(x()), 'bool'), 'float32')],
  ['Select with a same-rank condition', () => tf.where(tf.greater(x(), 0), x(), tf.neg(tf.square(x())))],
  ['Tile', () => tf.tile(tf.reshape(x(), [45, 128]), [2, 3])],
  ['PadV2', () => tf.pad(x(), [[0, 1], [2, 0], [1, 1], [0, 3]], 0.5)],
  ['Concat on axis 3', () => tf.concat([x(), tf.neg(x())], 3)],
  ['Concat on axis 0', () => tf.concat([x(), x(), x()], 0)],
  ['strided Slice', () => tf.slice(tf.tensor4d(randomValues(seededRandom(7), 11520), [10, 8, 9, 16]), [1, 1, 0, 2], [8, 7, 9, 12])],
];

describe('layout, normalization and data-movement kernels on ort match the cpu kernels', () => {
  test.each(cases)('%s', (_name, f) => {
    const { relError, ortRuns } = compareBackends(f);
    expect(relError).toBeLessThan(1e-5);
    expect(ortRuns).toBeGreaterThan(0);
  });

  test("int32 values a cpu kernel kept as floats (oneHot's) go to onnxruntime as int32", () => {
    const { relError, ortRuns } = compareBackends(() => tf.cast(tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], 'int32'), 1000), 'float32'));
    expect(relError).toBe(0);
    expect(ortRuns).toBeGreaterThan(0);
  });

  test('a contiguous slice stays a cpu subarray (no ort run)', () => {
    const { relError, ortRuns } = compareBackends(() => tf.slice(x(), [1, 0, 0, 0], [3, 8, 9, 16]));
    expect(relError).toBe(0);
    expect(ortRuns).toBe(0);
  });
});
