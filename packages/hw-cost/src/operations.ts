// Operations per inference of a layer, counting a convolution over all its output positions.

import { FLOAT_BITS } from './memory';
import { nonZeros } from './ternary_matrix';
import type { WeightLayer } from './model_layers';
import type { WeightLevels } from './weight_levels';

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
  /**
   * This layer as it is, in bit operations (BOPs): each executed multiply-accumulate weighs its
   * weight bits times the bits of the values it reads. Float weights execute every weight at 32
   * bits, binary every weight at 1, ternary only the non-zeros at 2; the per-output scaling is left out.
   */
  bitOperations: number;
}

const WEIGHT_BITS: Record<WeightLevels, number> = { float: FLOAT_BITS, binary: 1, ternary: 2 };

export function layerOperations(layer: WeightLayer): LayerOperations {
  const { rows, cols } = layer.matrix;
  const dense = layer.positions * rows * cols;
  const sparse = layer.positions * nonZeros(layer.matrix);
  const executed = layer.levels === 'ternary' ? sparse : dense;
  return {
    floatMacs: dense,
    binaryXnorPopcounts: dense,
    ternaryAddSubs: dense,
    sparseAddSubs: sparse,
    sparseScaleMultiplies: layer.positions * rows,
    bitOperations: executed * WEIGHT_BITS[layer.levels] * layer.inputBits,
  };
}
