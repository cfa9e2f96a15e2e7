import type * as tfl from '@tensorflow/tfjs-layers';
import { quantizedLayers, type LayerPolicy } from '@sparse-ternary/quantize-prune';

/** A layer's weight histogram: `counts[i]` weights fall in [min + i * width, min + (i + 1) * width). */
export interface WeightHistogram {
  name: string;
  min: number;
  max: number;
  counts: number[];
}

/** Histograms of the quantized layers' float weights, symmetric around 0 (the zero bin is in the middle). */
export function weightHistograms(model: tfl.LayersModel, bins = 65, policy?: LayerPolicy): WeightHistogram[] {
  return quantizedLayers(model, policy).map((t) => {
    const values = t.kernel.read().dataSync();
    let bound = 0;
    for (let i = 0; i < values.length; i++) bound = Math.max(bound, Math.abs(values[i]));
    bound = bound || 1;
    const counts = new Array(bins).fill(0);
    for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.floor(((values[i] + bound) / (2 * bound)) * bins))]++;
    return { name: t.name, min: -bound, max: bound, counts };
  });
}
