// Weight memory of a layer in each representation, in bits. Binary and ternary layers add one
// 32-bit scale (alpha), or one per output channel where the layer has them; biases and BatchNorm
// parameters are counted apart (32 bits each).
import { TERNARY_ENCODINGS, type Encoding } from './encodings';
import type { WeightLayer } from './model_layers';

export const SCALE_BITS = 32;
export const FLOAT_BITS = 32;

export interface LayerMemory {
  float32: number;
  binary: number;
  /** Dense ternary, 2 bits a weight. */
  ternary: number;
  /** Dense ternary, five weights a byte (1.6 bits a weight). */
  ternaryPacked: number;
  /** The layer's actual ternary pattern in its smallest encoding (dense or sparse). */
  sparseTernary: { bits: number; encoding: string };
  /** The layer as it is: by its levels, float32, binary or sparse ternary. */
  deployed: number;
}

/** The encoding that stores a matrix in the fewest bits. */
export function smallestEncoding(layer: Pick<WeightLayer, 'matrix'>, encodings: readonly Encoding[] = TERNARY_ENCODINGS): { bits: number; encoding: Encoding } {
  return encodings
    .map((encoding) => ({ bits: encoding.bits(layer.matrix), encoding }))
    .reduce((best, next) => (next.bits < best.bits ? next : best));
}

export function layerMemory(layer: WeightLayer): LayerMemory {
  const n = layer.matrix.values.length;
  const scales = SCALE_BITS * layer.scales;
  const smallest = smallestEncoding(layer);
  const sparseTernary = { bits: smallest.bits + scales, encoding: smallest.encoding.name };
  const binary = n + scales;
  const deployed = layer.levels === 'float' ? FLOAT_BITS * n : layer.levels === 'binary' ? binary : sparseTernary.bits;
  return {
    float32: FLOAT_BITS * n,
    binary,
    ternary: 2 * n + scales,
    ternaryPacked: 8 * Math.ceil(n / 5) + scales,
    sparseTernary,
    deployed,
  };
}
