import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import { binaryQuantizer, fixedThresholdQuantizer, floatQuantizer, targetSparsityQuantizer, twnQuantizer, type Quantizer } from './quantizer';

beforeAll(() => initEngine({ backend: 'cpu' }));

// mean |W| = 2.05 / 6
const W = [0.9, -0.2, 0.05, -0.6, 0.3, 0.0];

function run(quantizer: Quantizer, mask?: number[]) {
  const w = tf.tensor1d(W);
  const m = mask ? tf.tensor1d(mask) : undefined;
  const { q, alpha, delta } = quantizer.quantize(w, m);
  const values = Array.from(q.dataSync());
  tf.dispose([w, q, ...(m ? [m] : [])]);
  return { values, alpha, delta };
}

const expectValues = (actual: number[], expected: number[]) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));

describe('quantizers, hand-computed', () => {
  test('float is the identity', () => expectValues(run(floatQuantizer()).values, W));

  test('binary: alpha = mean |W|, q = alpha * sign(w), with sign(0) = +1', () => {
    const a = 2.05 / 6;
    const r = run(binaryQuantizer());
    expect(r.alpha).toBeCloseTo(a, 6);
    expectValues(r.values, [a, -a, a, -a, a, a]);
  });

  test('TWN: Delta = 0.7 * mean |W|, alpha = mean |w| above Delta', () => {
    const r = run(twnQuantizer());
    expect(r.delta).toBeCloseTo((0.7 * 2.05) / 6, 6);
    expect(r.alpha).toBeCloseTo(1.8 / 3, 6);
    expectValues(r.values, [0.6, 0, 0, -0.6, 0.6, 0]);
  });

  test('fixed threshold: Delta = 0.1 keeps 0.9, -0.2, -0.6, 0.3 with alpha = 0.5', () => {
    const r = run(fixedThresholdQuantizer(0.1));
    expect([r.alpha, r.delta]).toEqual([expect.closeTo(0.5, 6), 0.1]);
    expectValues(r.values, [0.5, -0.5, 0, -0.5, 0.5, 0]);
  });

  test('target sparsity 0.5: Delta at the 3rd smallest |w| (0.2), three zeros', () => {
    const r = run(targetSparsityQuantizer(0.5));
    expect(r.delta).toBeCloseTo(0.2, 6);
    expectValues(r.values, [0.6, 0, 0, -0.6, 0.6, 0]);
    expect(() => targetSparsityQuantizer(1.5)).toThrow(/target sparsity must be in \[0, 1\]/);
  });

  test('with a fixed mask every kept weight becomes exactly +alpha or -alpha (even a zero one)', () => {
    const r = run(twnQuantizer(), [1, 1, 0, 0, 1, 1]);
    expect(r.alpha).toBeCloseTo(1.4 / 4, 6);
    expectValues(r.values, [0.35, -0.35, 0, 0, 0.35, 0.35]);
    expect(r.values.filter((v) => v !== 0)).toHaveLength(4);
  });
});

describe('a scale per output channel, hand-computed', () => {
  // As a dense kernel [3 inputs, 2 outputs]: channel 0 holds 0.9, 0.05, 0.3; channel 1 holds -0.2, -0.6, 0.0.
  const kernel = () => tf.tensor2d(W, [3, 2]);
  const quantized = (quantizer: Quantizer, mask?: number[], channels?: { count: number; inner: number }) => {
    const [w, m] = [kernel(), mask && tf.tensor2d(mask, [3, 2])];
    const { q, alpha, alphas, delta } = quantizer.quantize(w, m, channels);
    const values = Array.from(q.dataSync());
    tf.dispose([w, q, ...(m ? [m] : [])]);
    return { values, alpha, alphas: Array.from(alphas ?? []), delta };
  };

  test("TWN per channel: the layer's Delta = 0.7 mean |W|, each channel's alpha over its own kept weights", () => {
    const r = quantized(twnQuantizer(0.7, 'channel'));
    expect(r.delta).toBeCloseTo((0.7 * 2.05) / 6, 6);
    // kept: 0.9, 0.3 (channel 0) and -0.6 (channel 1)
    expect(r.alphas).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.6, 6)]);
    expectValues(r.values, [0.6, 0, 0, -0.6, 0.6, 0]);
    const wider = quantized(fixedThresholdQuantizer(0.1, 'channel'));
    // kept: 0.9, 0.3 (alpha 0.6); -0.2, -0.6 (alpha 0.4)
    expect(wider.alphas).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.4, 6)]);
    expect(wider.alpha).toBeCloseTo(0.5, 6);
    expectValues(wider.values, [0.6, -0.4, 0, -0.4, 0.6, 0]);
  });

  test('binary and masked per channel; a channel layout given explicitly (a depthwise or transposed kernel) decides the channels', () => {
    const b = quantized(binaryQuantizer('channel'));
    expect(b.alphas).toEqual([expect.closeTo(1.25 / 3, 6), expect.closeTo(0.8 / 3, 6)]);
    expectValues(b.values, [1.25 / 3, -0.8 / 3, 1.25 / 3, -0.8 / 3, 1.25 / 3, 0.8 / 3]);
    const masked = quantized(targetSparsityQuantizer(0.5, 'channel'), [1, 0, 0, 1, 0, 1]);
    // kept: 0.9 (channel 0); -0.6 and 0.0 (channel 1: alpha 0.3, the zero at +alpha)
    expect(masked.alphas).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.3, 6)]);
    expectValues(masked.values, [0.9, 0, 0, -0.3, 0, 0.3]);
    // Rows as channels: [0.9, -0.2], [0.05, -0.6], [0.3, 0.0] with Delta = 0.1: alphas 0.55, 0.6, 0.3.
    const rows = quantized(fixedThresholdQuantizer(0.1, 'channel'), undefined, { count: 3, inner: 2 });
    expect(rows.alphas).toEqual([0.55, 0.6, 0.3].map((v) => expect.closeTo(v, 6)));
    expectValues(rows.values, [0.55, -0.55, 0, -0.6, 0.3, 0]);
  });
});
