import * as tf from '@tensorflow/tfjs-core';
import { compareBackends, randomValues, seededRandom, startOrt } from '../../testing/backend_comparison';

beforeAll(() => startOrt());

const BIG = [4, 10, 12, 16]; // 7,680 elements: above the default threshold
const SMALL = [3, 5]; // 15 elements: stays on the cpu kernels
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe('binary kernels broadcast like the cpu kernels', () => {
  const ops: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
    Add: tf.add,
    Sub: tf.sub,
    Multiply: tf.mul,
    RealDiv: tf.div,
    SquaredDifference: tf.squaredDifference,
    Maximum: tf.maximum,
    Minimum: tf.minimum,
    Greater: tf.greater,
    GreaterEqual: tf.greaterEqual,
    Less: tf.less,
    LessEqual: tf.lessEqual,
    Equal: tf.equal,
    NotEqual: tf.notEqual,
  };
  const patterns: [string, number[], number[]][] = [
    ['same shape', BIG, BIG],
    ['last axis', BIG, [16]],
    ['inner ones', BIG, [1, 10, 1, 16]],
    ['outer ones', [4, 1, 12, 1], BIG],
    ['scalar', [], BIG],
    ['small', SMALL, SMALL],
  ];
  const cases = Object.keys(ops).flatMap((op) => patterns.map(([name, a, b]) => ({ op, name, a, b })));
  test.each(cases)('$op, $name', ({ op, a, b }) => {
    const r = seededRandom(op.length * 31 + a.length);
    // Values on a coarse grid so that Equal and friends see ties; no zeros for RealDiv.
    const grid = (n: number) => Float32Array.from(randomValues(r, n, -3, 3), (v) => Math.round(v * 2) / 2 || 0.5);
    const [va, vb] = [grid(size(a)), grid(size(b))];
    const { relError, ortRuns } = compareBackends(() => {
      const out = ops[op](tf.tensor(va, a), tf.tensor(vb, b));
      return out.dtype === 'bool' ? tf.cast(out, 'float32') : out;
    });
    expect(relError).toBeLessThan(1e-6);
    expect(ortRuns > 0).toBe(size(a) > 15 || size(b) > 15);
  });
});

describe('unary kernels match the cpu kernels', () => {
  const ops: Record<string, [(x: tf.Tensor) => tf.Tensor, number, number]> = {
    Relu: [tf.relu, -2, 2],
    Relu6: [tf.relu6, -3, 9],
    Step: [(x) => tf.step(x, 0.25), -2, 2],
    LeakyRelu: [(x) => tf.leakyRelu(x, 0.1), -2, 2],
    Sqrt: [tf.sqrt, 0.01, 4],
    Rsqrt: [tf.rsqrt, 0.01, 4],
    Square: [tf.square, -3, 3],
    Exp: [tf.exp, -5, 5],
    Log: [tf.log, 0.01, 10],
    Neg: [tf.neg, -1, 1],
    Abs: [tf.abs, -1, 1],
    Sign: [tf.sign, -1, 1],
    Tanh: [tf.tanh, -4, 4],
    Sigmoid: [tf.sigmoid, -8, 8],
  };
  const cases = Object.keys(ops).flatMap((op) => [BIG, SMALL].map((shape) => ({ op, shape })));
  test.each(cases)('$op on $shape', ({ op, shape }) => {
    const [f, lo, hi] = ops[op];
    const values = randomValues(seededRandom(op.length), size(shape), lo, hi);
    values[0] = 0; // Step, Sign, Relu at exactly zero
    const { relError, ortRuns } = compareBackends(() => f(tf.tensor(values, shape)));
    expect(relError).toBeLessThan(1e-6);
    expect(ortRuns > 0).toBe(shape === BIG);
  });

  test('Step keeps NaN as NaN, like the cpu kernel', () => {
    const values = randomValues(seededRandom(3), size(BIG));
    values[5] = NaN;
    const { ort, ortRuns } = compareBackends(() => tf.step(tf.tensor(values, BIG)));
    expect(ortRuns).toBe(1);
    expect(Number.isNaN(ort[0][5])).toBe(true);
  });
});
