import * as tf from '@tensorflow/tfjs-core';

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

// The quantizers read the weights once and loop over them in JS: as TF.js ops, each step (abs,
// compare, cast, sum, sign, scale, select) would be its own kernel over the whole layer, every
// training step.

/** alpha = mean of |w| over the kept weights (0 when none is kept); q = alpha * sign(w) on them (+1 at w = 0), +0 elsewhere. */
function ternarize(w: tf.Tensor, kept: (value: number, index: number) => boolean, delta: number): Quantized {
  const values = w.dataSync() as ArrayLike<number>;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!kept(values[i], i)) continue;
    sum += Math.abs(values[i]);
    count++;
  }
  const alpha = Math.fround(count ? sum / count : 0);
  const q = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) if (kept(values[i], i)) q[i] = values[i] >= 0 ? alpha : -alpha;
  return { q: tf.tensor(q, w.shape), alpha, delta };
}

/** The mask's kept weights (a 1 in it), or those above the threshold. */
const keeper = (mask: tf.Tensor | undefined, delta: number) => {
  if (!mask) return (value: number) => Math.abs(value) > delta;
  const keep = mask.dataSync();
  return (_: number, i: number) => keep[i] > 0;
};

/** A ternary quantizer whose threshold is computed from the weights by `threshold`. */
function ternaryQuantizer(name: string, threshold: (w: tf.Tensor) => number): Quantizer {
  return {
    name,
    quantize(w, mask) {
      const delta = threshold(w);
      return ternarize(w, keeper(mask, delta), delta);
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
export const floatQuantizer = (): Quantizer => ({ name: 'float', quantize: (w) => ({ q: tf.clone(w), alpha: 1, delta: 0 }) });

/** Binary (BinaryConnect/XNOR-style): sign(w) * alpha with alpha = mean |W_l| (over the mask's weights, with one). */
export const binaryQuantizer = (): Quantizer => ({
  name: 'binary',
  quantize(w, mask) {
    if (mask) return ternarize(w, keeper(mask, 0), 0);
    return ternarize(w, () => true, 0);
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
