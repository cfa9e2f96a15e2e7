import type { LayerStats } from '@sparse-ternary/quantize-prune';

/**
 * The quantized layers left without one non-zero weight: the network then predicts the same class
 * for every input. Too strong a QTR or too high a threshold factor t does this (a layer dies once no
 * weight exceeds t times its mean |w|).
 */
export const deadLayers = (layers: LayerStats[]): string[] => layers.filter((l) => l.size > 0 && l.nonZeros === 0).map((l) => l.name);

export const deadLayersWarning = (dead: string[]): string =>
  `${dead.join(', ')} quantized entirely to zero, so the network cannot tell inputs apart: lower --qtr-lambda or -t, or set --target-sparsity`;
