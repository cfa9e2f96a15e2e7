import * as tf from '@tensorflow/tfjs-core';
import { kthSmallest } from './select';

/** A layer's weights quantized: the values to use in the forward pass, and the layer's scale and threshold. */
export interface Quantized {
  q: tf.Tensor;
  /** The scale: q takes values in {-alpha, 0, +alpha} (ternary) or {-alpha, +alpha} (binary). */
  alpha: number;
  /** The ternary threshold Delta_l on |w| (0 for float and binary). */
  delta: number;
}

/**
 * What a quantizer computes, as data, for code that writes it elsewhere (a compiled training
 * step's graph): float; binary; or ternary with a threshold Delta_l of t * mean |W_l|, a fixed
 * delta, or the k-th smallest |w| for a target sparsity.
 */
export type QuantizerRule =
  | { kind: 'float' }
  | { kind: 'binary' }
  | { kind: 'ternary'; threshold: { of: 'meanAbs'; t: number } | { of: 'fixed'; delta: number } | { of: 'sparsity'; sparsity: number } };

/**
 * Maps one layer's float weights W_l to quantized weights. With a fixed `mask` (after pruning),
 * ternary quantizers keep exactly the mask's weights, each at +alpha or -alpha.
 */
export interface Quantizer {
  readonly name: string;
  readonly rule: QuantizerRule;
  quantize(w: tf.Tensor, mask?: tf.Tensor): Quantized;
}

// The quantizers read the weights once and loop over them in JS: as TF.js ops, each step (abs,
// compare, cast, sum, sign, scale, select) would be its own kernel over the whole layer, every
// training step.

/**
 * alpha = mean of |w| over the kept weights (0 when none is kept); q = alpha * sign(w) on them
 * (+1 at w = 0), +0 elsewhere. Kept: a 1 in `mask`, or else |w| > delta. Two plain loops each, no
 * per-weight callback: this runs over every kernel at every training step.
 */
function ternarize(w: tf.Tensor, mask: tf.Tensor | undefined, delta: number): Quantized {
  const values = w.dataSync() as Float32Array;
  const keep = mask?.dataSync() as Float32Array | undefined;
  let sum = 0;
  let count = 0;
  if (keep) {
    for (let i = 0; i < values.length; i++) {
      if (keep[i] > 0) {
        sum += Math.abs(values[i]);
        count++;
      }
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      if (a > delta) {
        sum += a;
        count++;
      }
    }
  }
  const alpha = Math.fround(count ? sum / count : 0);
  const q = new Float32Array(values.length);
  if (keep) {
    for (let i = 0; i < values.length; i++) if (keep[i] > 0) q[i] = values[i] >= 0 ? alpha : -alpha;
  } else {
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) > delta) q[i] = values[i] >= 0 ? alpha : -alpha;
  }
  return { q: tf.tensor(q, w.shape), alpha, delta };
}

/** A ternary quantizer whose threshold is computed from the weights by `threshold`. */
function ternaryQuantizer(name: string, rule: QuantizerRule, threshold: (w: tf.Tensor) => number): Quantizer {
  return {
    name,
    rule,
    quantize(w, mask) {
      const delta = threshold(w);
      return ternarize(w, mask, delta);
    },
  };
}

const meanAbs = (w: tf.Tensor): number => {
  const values = w.dataSync();
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i]);
  return values.length ? sum / values.length : 0;
};

/** Identity: the float baseline. */
export const floatQuantizer = (): Quantizer => ({ name: 'float', rule: { kind: 'float' }, quantize: (w) => ({ q: tf.clone(w), alpha: 1, delta: 0 }) });

/** Binary (BinaryConnect/XNOR-style): sign(w) * alpha with alpha = mean |W_l| (over the mask's weights, with one). */
export const binaryQuantizer = (): Quantizer => ({
  name: 'binary',
  rule: { kind: 'binary' },
  quantize(w, mask) {
    // Every weight is kept: |w| > -1 always holds.
    return mask ? ternarize(w, mask, 0) : ternarize(w, undefined, -1);
  },
});

/** TWN: Delta_l = t * mean |W_l| (t = 0.7); alpha_l = mean |w| over |w| > Delta_l. */
export const twnQuantizer = (t = 0.7): Quantizer => ternaryQuantizer(`twn(t=${t})`, { kind: 'ternary', threshold: { of: 'meanAbs', t } }, (w) => t * meanAbs(w));

/** Ternary with the same absolute threshold Delta for every layer. */
export const fixedThresholdQuantizer = (delta: number): Quantizer => ternaryQuantizer(`ternary(delta=${delta})`, { kind: 'ternary', threshold: { of: 'fixed', delta } }, () => delta);

/**
 * Ternary with a target sparsity s: Delta_l is the k-th smallest |w| with k = round(s * n), so that
 * (without ties) exactly k weights of the layer quantize to zero.
 */
export const targetSparsityQuantizer = (sparsity: number): Quantizer => {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new Error(`target sparsity must be in [0, 1], got ${sparsity}`);
  return ternaryQuantizer(`ternary(sparsity=${sparsity})`, { kind: 'ternary', threshold: { of: 'sparsity', sparsity } }, (w) => {
    const k = Math.round(sparsity * w.size);
    if (k === 0) return 0;
    const values = w.dataSync();
    const magnitudes = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) magnitudes[i] = Math.abs(values[i]);
    return kthSmallest(magnitudes, k);
  });
};
