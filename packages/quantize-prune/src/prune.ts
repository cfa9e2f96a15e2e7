import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { countNonZeros, pinToMask, type Masks } from './masks';
import type { Quantizer } from './quantizer';
import { quantizedLayers, type LayerPolicy, type LayerTreatment, type QuantizedLayerRef } from './quantized_layers';

/** One layer after pruning or ternarization. */
export interface LayerStats {
  name: string;
  treatment: LayerTreatment;
  size: number;
  nonZeros: number;
  /** Fraction of the layer's kernel that is exactly zero. */
  sparsity: number;
  alpha: number;
  delta: number;
}

export interface SparsityReport {
  layers: LayerStats[];
  /** Zeros over all quantized kernels (float layers excluded). */
  sparsity: number;
}

/** A layer's statistics from its kernel as it is now. */
function statsOf(t: QuantizedLayerRef, alpha: number, delta: number): LayerStats {
  const { nonZeros, size } = countNonZeros(t.kernel.read());
  return { name: t.name, treatment: t.treatment, size, nonZeros, sparsity: 1 - nonZeros / size, alpha, delta };
}

const report = (layers: LayerStats[]): SparsityReport => {
  const counted = layers.filter((l) => l.treatment !== 'float');
  const size = counted.reduce((n, l) => n + l.size, 0);
  const nonZeros = counted.reduce((n, l) => n + l.nonZeros, 0);
  return { layers, sparsity: size === 0 ? 0 : 1 - nonZeros / size };
};

/**
 * Quantization pruning: for every quantized layer, mask_l = (|W_l| > Delta_l) from the quantizer's
 * threshold on the float weights, and the pruned weights are set to exactly 0. 'dense' layers get
 * an all-ones mask; 'float' layers none. Returns the masks (owned by the caller) and the statistics.
 */
export function quantizationPrune(model: tfl.LayersModel, quantizer: Quantizer, policy: LayerPolicy = {}): { masks: Masks } & SparsityReport {
  const masks: Masks = new Map();
  const layers: LayerStats[] = [];
  for (const t of quantizedLayers(model, policy)) {
    const w = t.kernel.read();
    const { q, alpha, delta } = quantizer.quantize(w, undefined, t.channels);
    const mask = tf.tidy(() => (t.treatment === 'quantize' ? tf.cast(tf.notEqual(q, 0), 'float32') : tf.onesLike(w)));
    q.dispose();
    if (t.treatment !== 'float') {
      masks.set(t.name, mask);
      pinToMask(t.kernel, mask);
    } else {
      mask.dispose();
    }
    layers.push(statsOf(t, alpha, delta));
  }
  return { masks, ...report(layers) };
}

/**
 * Writes the deployed weights into the model: q(W) for every quantized layer, with the fixed masks
 * when given (then each surviving weight is exactly +alpha_l or -alpha_l). Float layers are left.
 */
export function ternarizeModel(model: tfl.LayersModel, quantizer: Quantizer, masks?: Masks, policy: LayerPolicy = {}): SparsityReport {
  const layers: LayerStats[] = [];
  for (const t of quantizedLayers(model, policy)) {
    if (t.treatment === 'float') {
      layers.push(statsOf(t, 1, 0));
      continue;
    }
    const { q, alpha, delta } = quantizer.quantize(t.kernel.read(), masks?.get(t.name), t.channels);
    t.kernel.write(q);
    q.dispose();
    layers.push(statsOf(t, alpha, delta));
  }
  return report(layers);
}

/** The sparsity of the model's kernels as they are now. */
export function sparsityReport(model: tfl.LayersModel, policy: LayerPolicy = {}): SparsityReport {
  return report(
    quantizedLayers(model, policy).map((t) => statsOf(t, Number.NaN, Number.NaN)),
  );
}
