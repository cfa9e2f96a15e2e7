import * as tf from '@tensorflow/tfjs-core';
import { lastAxisChannels, type ChannelLayout } from '@sparse-ternary/hw-cost';
import { kthSmallest } from './select';

/** A layer's weights quantized: the values to use in the forward pass, and the layer's scale and threshold. */
export interface Quantized {
  q: tf.Tensor;
  /** The scale: q takes values in {-alpha, 0, +alpha} (ternary) or {-alpha, +alpha} (binary); with a scale per channel, their mean. */
  alpha: number;
  /** With a scale per output channel: each channel's alpha. */
  alphas?: Float32Array;
  /** The ternary threshold Delta_l on |w| (0 for float and binary). */
  delta: number;
}

/**
 * One scale alpha for the whole layer (TWN's), or one per output channel: alpha_c = mean |w| over
 * channel c's kept weights. The threshold stays the layer's either way (a target sparsity is the
 * layer's, and TWN's Delta = t mean |W_l|).
 */
export type TernaryScale = 'layer' | 'channel';
export const TERNARY_SCALES: readonly TernaryScale[] = ['layer', 'channel'];

/**
 * What a quantizer computes, as data, for code that writes it elsewhere (a compiled training
 * step's graph): float; binary; or ternary with a threshold Delta_l of t * mean |W_l|, a fixed
 * delta, or the k-th smallest |w| for a target sparsity; binary and ternary with their scale.
 */
export type QuantizerRule =
  | { kind: 'float' }
  | { kind: 'binary'; scale: TernaryScale }
  | { kind: 'ternary'; threshold: { of: 'meanAbs'; t: number } | { of: 'fixed'; delta: number } | { of: 'sparsity'; sparsity: number }; scale: TernaryScale };

/**
 * Maps one layer's float weights W_l to quantized weights. With a fixed `mask` (after pruning),
 * ternary quantizers keep exactly the mask's weights, each at +alpha or -alpha. `channels` says
 * where the kernel's output channels are, for a scale per channel (default: its last axis, as
 * TF.js lays out dense and convolution kernels).
 */
export interface Quantizer {
  readonly name: string;
  readonly rule: QuantizerRule;
  quantize(w: tf.Tensor, mask?: tf.Tensor, channels?: ChannelLayout): Quantized;
}

// The quantizers read the weights once and loop over them in JS: as TF.js ops, each step (abs,
// compare, cast, sum, sign, scale, select) would be its own kernel over the whole layer, every
// training step.

/**
 * alpha = mean of |w| over the kept weights (0 when none is kept), over the layer or over each
 * channel of `channels`; q = alpha * sign(w) on them (+1 at w = 0), +0 elsewhere. Kept: a 1 in
 * `mask`, or else |w| > delta. Plain loops, no per-weight callback: this runs over every kernel at
 * every training step.
 */
function ternarize(w: tf.Tensor, mask: tf.Tensor | undefined, delta: number, channels?: ChannelLayout): Quantized {
  const values = w.dataSync() as Float32Array;
  const keep = mask?.dataSync() as Float32Array | undefined;
  const groups = channels ?? { count: 1, inner: values.length || 1 };
  const channelOf = (i: number) => Math.floor(i / groups.inner) % groups.count;
  const sums = new Float64Array(groups.count);
  const counts = new Float64Array(groups.count);
  const kept = (i: number) => (keep ? keep[i] > 0 : Math.abs(values[i]) > delta);
  for (let i = 0; i < values.length; i++) {
    if (!kept(i)) continue;
    const c = channelOf(i);
    sums[c] += Math.abs(values[i]);
    counts[c]++;
  }
  const alphas = Float32Array.from(sums, (sum, c) => (counts[c] ? sum / counts[c] : 0));
  const q = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) if (kept(i)) q[i] = values[i] >= 0 ? alphas[channelOf(i)] : -alphas[channelOf(i)];
  const alpha = channels ? Math.fround(alphas.reduce((a, b) => a + b, 0) / alphas.length) : alphas[0];
  return { q: tf.tensor(q, w.shape), alpha, ...(channels ? { alphas } : {}), delta };
}

/** The channels a quantizer of `scale` averages over: none for the layer's one scale, else `channels` or the kernel's last axis. */
const scaleChannels = (scale: TernaryScale, w: tf.Tensor, channels?: ChannelLayout): ChannelLayout | undefined => (scale === 'layer' ? undefined : (channels ?? lastAxisChannels(w.shape)));

/** A ternary quantizer whose threshold is computed from the weights by `threshold`. */
function ternaryQuantizer(name: string, rule: Extract<QuantizerRule, { kind: 'ternary' }>, threshold: (w: tf.Tensor) => number): Quantizer {
  return {
    name: rule.scale === 'channel' ? `${name}/channel` : name,
    rule,
    quantize(w, mask, channels) {
      const delta = threshold(w);
      return ternarize(w, mask, delta, scaleChannels(rule.scale, w, channels));
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

/** Binary (BinaryConnect/XNOR-style): sign(w) * alpha with alpha = mean |W_l| (over the mask's weights, with one), per layer or per channel. */
export const binaryQuantizer = (scale: TernaryScale = 'layer'): Quantizer => ({
  name: scale === 'channel' ? 'binary/channel' : 'binary',
  rule: { kind: 'binary', scale },
  quantize(w, mask, channels) {
    // Every weight is kept: |w| > -1 always holds.
    return mask ? ternarize(w, mask, 0, scaleChannels(scale, w, channels)) : ternarize(w, undefined, -1, scaleChannels(scale, w, channels));
  },
});

/** TWN: Delta_l = t * mean |W_l| (t = 0.7); alpha_l = mean |w| over |w| > Delta_l. */
export const twnQuantizer = (t = 0.7, scale: TernaryScale = 'layer'): Quantizer =>
  ternaryQuantizer(`twn(t=${t})`, { kind: 'ternary', threshold: { of: 'meanAbs', t }, scale }, (w) => t * meanAbs(w));

/** Ternary with the same absolute threshold Delta for every layer. */
export const fixedThresholdQuantizer = (delta: number, scale: TernaryScale = 'layer'): Quantizer =>
  ternaryQuantizer(`ternary(delta=${delta})`, { kind: 'ternary', threshold: { of: 'fixed', delta }, scale }, () => delta);

/**
 * Ternary with a target sparsity s: Delta_l is the k-th smallest |w| with k = round(s * n), so that
 * (without ties) exactly k weights of the layer quantize to zero.
 */
export const targetSparsityQuantizer = (sparsity: number, scale: TernaryScale = 'layer'): Quantizer => {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new Error(`target sparsity must be in [0, 1], got ${sparsity}`);
  return ternaryQuantizer(`ternary(sparsity=${sparsity})`, { kind: 'ternary', threshold: { of: 'sparsity', sparsity }, scale }, (w) => {
    const k = Math.round(sparsity * w.size);
    if (k === 0) return 0;
    const values = w.dataSync();
    const magnitudes = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) magnitudes[i] = Math.abs(values[i]);
    return kthSmallest(magnitudes, k);
  });
};
