// Operations per inference of a layer, counting a convolution over all its output positions.

import { nonZeros } from './ternary_matrix';
import type { WeightLayer } from './model_layers';

export interface LayerOperations {
  /** Float: one multiply-accumulate per weight and position. */
  floatMacs: number;
  /** Binary: one XNOR-popcount step per weight and position. */
  binaryXnorPopcounts: number;
  /** Dense ternary: an addition or subtraction per weight and position, no multiplications. */
  ternaryAddSubs: number;
  /** Sparse ternary: additions or subtractions over the non-zeros only... */
  sparseAddSubs: number;
  /** ...and one multiplication by alpha per output. */
  sparseScaleMultiplies: number;
}

export function layerOperations(layer: WeightLayer): LayerOperations {
  const { rows, cols } = layer.matrix;
  const dense = layer.positions * rows * cols;
  return {
    floatMacs: dense,
    binaryXnorPopcounts: dense,
    ternaryAddSubs: dense,
    sparseAddSubs: layer.positions * nonZeros(layer.matrix),
    sparseScaleMultiplies: layer.positions * rows,
  };
}
