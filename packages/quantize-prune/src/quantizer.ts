import * as tf from '@tensorflow/tfjs-core';
import { keepWhere } from './masks';

/** A layer's weights quantized: the values to use in the forward pass, and the layer's scale and threshold. */
export interface Quantized {
  q: tf.Tensor;
  /** The scale: q takes values in {-alpha, 0, +alpha} (ternary) or {-alpha, +alpha} (binary). */
  alpha: number;
  /** The ternary threshold Delta_l on |w| (0 for float and binary). */
  delta: number;
}

/**
 * Maps one layer's float weights W_l to quantized weights. With a fixed `mask` (after pruning),
 * ternary quantizers keep exactly the mask's weights, each at +alpha or -alpha.
 */
export interface Quantizer {
  readonly name: string;
  quantize(w: tf.Tensor, mask?: tf.Tensor): Quantized;
}

const scalarOf = (t: tf.Tensor): number => t.dataSync()[0];

/** +1 for w >= 0, -1 below: a surviving weight is never quantized to 0, even at exactly 0. */
const signNonZero = (w: tf.Tensor): tf.Tensor => tf.sub(tf.mul(tf.cast(tf.greaterEqual(w, 0), 'float32'), 2), 1);

/** alpha = mean of |w| over the kept weights (0 when none is kept); q = alpha * sign(w) on them, 0 elsewhere. */
function ternarize(w: tf.Tensor, keep: tf.Tensor, delta: number): Quantized {
  const [q, alpha] = tf.tidy(() => {
    const kept = tf.sum(keep);
    const a = tf.div(tf.sum(tf.mul(tf.abs(w), keep)), tf.maximum(kept, 1));
    return [keepWhere(tf.mul(signNonZero(w), a), keep), a];
  });
  const alphaValue = scalarOf(alpha);
  alpha.dispose();
  return { q, alpha: alphaValue, delta };
}

const aboveThreshold = (w: tf.Tensor, delta: number): tf.Tensor => tf.tidy(() => tf.cast(tf.greater(tf.abs(w), delta), 'float32'));

/** A ternary quantizer whose threshold is computed from the weights by `threshold`. */
function ternaryQuantizer(name: string, threshold: (w: tf.Tensor) => number): Quantizer {
  return {
    name,
    quantize(w, mask) {
      const delta = threshold(w);
      const keep = mask ?? aboveThreshold(w, delta);
      try {
        return ternarize(w, keep, delta);
      } finally {
        if (!mask) keep.dispose();
      }
    },
  };
}

const meanAbs = (w: tf.Tensor): number => {
  const m = tf.tidy(() => tf.mean(tf.abs(w)));
  const value = scalarOf(m);
  m.dispose();
  return value;
};

/** Identity: the float baseline. */
export const floatQuantizer = (): Quantizer => ({ name: 'float', quantize: (w) => ({ q: tf.clone(w), alpha: 1, delta: 0 }) });

/** Binary (BinaryConnect/XNOR-style): sign(w) * alpha with alpha = mean |W_l| (over the mask's weights, with one). */
export const binaryQuantizer = (): Quantizer => ({
  name: 'binary',
  quantize(w, mask) {
    if (mask) return ternarize(w, mask, 0);
    const alpha = meanAbs(w);
    return { q: tf.tidy(() => tf.mul(signNonZero(w), alpha)), alpha, delta: 0 };
  },
});

/** TWN: Delta_l = t * mean |W_l| (t = 0.7); alpha_l = mean |w| over |w| > Delta_l. */
export const twnQuantizer = (t = 0.7): Quantizer => ternaryQuantizer(`twn(t=${t})`, (w) => t * meanAbs(w));

/** Ternary with the same absolute threshold Delta for every layer. */
export const fixedThresholdQuantizer = (delta: number): Quantizer => ternaryQuantizer(`ternary(delta=${delta})`, () => delta);

/**
 * Ternary with a target sparsity s: Delta_l is the k-th smallest |w| with k = round(s * n), so that
 * (without ties) exactly k weights of the layer quantize to zero.
 */
export const targetSparsityQuantizer = (sparsity: number): Quantizer => {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new Error(`target sparsity must be in [0, 1], got ${sparsity}`);
  return ternaryQuantizer(`ternary(sparsity=${sparsity})`, (w) => {
    const k = Math.round(sparsity * w.size);
    if (k === 0) return 0;
    const magnitudes = Float32Array.from(w.dataSync(), Math.abs).sort();
    return magnitudes[k - 1];
  });
};
