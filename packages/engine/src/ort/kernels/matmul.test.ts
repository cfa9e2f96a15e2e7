import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_MIN_ORT_WORK } from '../../init_engine';
import { compareBackends, pick, randomValues, seededRandom, startOrt } from '../../testing/backend_comparison';

beforeAll(() => startOrt());

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'sigmoid', 'elu'] as const;

describe('BatchMatMul and _FusedMatMul on ort match the cpu kernels', () => {
  const rng = seededRandom(7);
  const cases = Array.from({ length: 40 }, (_, i) => ({
    i,
    outer: pick(rng, [[], [1], [3], [2, 3]]),
    broadcastB: rng() < 0.25,
    m: pick(rng, [1, 3, 17, 64, 100]),
    k: pick(rng, [1, 5, 32, 64, 129]),
    n: pick(rng, [1, 7, 16, 64]),
    transposeA: rng() < 0.5,
    transposeB: rng() < 0.5,
    fused: rng() < 0.5,
    activation: pick(rng, ACTIVATIONS),
    seed: Math.floor(rng() * 1e9),
  }));

  test.each(cases)('case $i: outer $outer, $m x $k x $n, tA=$transposeA tB=$transposeB fused=$fused $activation', (c) => {
    const r = seededRandom(c.seed);
    const aShape = [...c.outer, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])];
    const bOuter = c.broadcastB ? c.outer.map(() => 1) : c.outer;
    const bShape = [...bOuter, ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])];
    const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
    const a = randomValues(r, size(aShape));
    const b = randomValues(r, size(bShape));
    const bias = randomValues(r, c.n);
    const alpha = randomValues(r, c.n, 0, 0.5);
    const { relError, ortRuns } = compareBackends(() => {
      const [ta, tb] = [tf.tensor(a, aShape), tf.tensor(b, bShape)];
      if (!c.fused) return tf.matMul(ta, tb, c.transposeA, c.transposeB);
      return tf.fused.matMul({
        a: ta,
        b: tb,
        transposeA: c.transposeA,
        transposeB: c.transposeB,
        bias: tf.tensor1d(bias),
        activation: c.activation,
        preluActivationWeights: c.activation === 'prelu' ? tf.tensor1d(alpha) : undefined,
        leakyreluAlpha: 0.3,
      });
    });
    expect(relError).toBeLessThan(1e-4);
    const work = size(c.outer) * c.m * c.n * c.k;
    expect(ortRuns > 0).toBe(work >= DEFAULT_MIN_ORT_WORK);
  });
});
