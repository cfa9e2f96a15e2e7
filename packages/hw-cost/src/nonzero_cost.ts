// c_l, the cost of one non-zero weight in layer l, for the qtr-cost regularizer: its storage
// (bits a non-zero takes in the layer's smallest sparse encoding) or its operations (the
// additions it causes per inference: one per output position). Normalized so that the average
// over all weights is 1, which keeps the regularizer's strength on the scale of a unit cost.
import type * as tfl from '@tensorflow/tfjs-layers';
import { SPARSE_ENCODINGS } from './encodings';
import { smallestEncoding } from './memory';
import { weightLayers, type WeightLayer } from './model_layers';
import { nonZeros } from './ternary_matrix';

export type CostMeasure = 'memory' | 'operations';
export const COST_MEASURES: readonly CostMeasure[] = ['memory', 'operations'];

function rawCost(layer: WeightLayer, measure: CostMeasure): number {
  if (measure === 'operations') return layer.positions;
  const count = nonZeros(layer.matrix);
  return count === 0 ? 0 : smallestEncoding(layer, SPARSE_ENCODINGS).bits / count;
}

/** Per kernel variable name, the normalized cost of one of its non-zeros. */
export function nonZeroCosts(model: tfl.LayersModel, measure: CostMeasure): Record<string, number> {
  const layers = weightLayers(model);
  const raw = layers.map((layer) => rawCost(layer, measure));
  const weights = layers.map((l) => l.matrix.values.length);
  const mean = raw.reduce((n, c, i) => n + c * weights[i], 0) / weights.reduce((a, b) => a + b, 0);
  return Object.fromEntries(layers.map((layer, i) => [layer.kernel, mean > 0 ? raw[i] / mean : 1]));
}
