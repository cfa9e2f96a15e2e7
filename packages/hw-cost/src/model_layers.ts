// The weight layers (weight_layer_refs.ts) with what the costs need: the kernel as a ternary
// matrix (a row per output channel, a column per input of its fan-in), how many output positions
// reuse it, and its levels.
import type * as tfl from '@tensorflow/tfjs-layers';
import { inputBitsOf } from './activation_bits';
import { signs, type TernaryMatrix } from './ternary_matrix';
import { channelLayout, weightLayerRefs, type LayerKind } from './weight_layer_refs';
import { kernelLevels, type WeightLevels } from './weight_levels';

export interface WeightLayer {
  name: string;
  /** The kernel variable's name: the key of masks and of the regularizers' costs. */
  kernel: string;
  kind: LayerKind;
  /** Output channels x fan-in. */
  matrix: TernaryMatrix;
  /** Output positions per inference (pixels for a convolution, 1 for a dense layer). */
  positions: number;
  levels: WeightLevels;
  alpha: number;
  /** How many scales its binary or ternary weights have: 1 for the layer, or one per output channel. */
  scales: number;
  /** The values it reads per inference, and their bits (activation_bits.ts). */
  inputElements: number;
  inputBits: number;
}

/**
 * Canonical order: dense [in, out], conv [kh, kw, in, out] -> [out, kh*kw*in]; depthwise
 * [kh, kw, c, m] -> [c*m, kh*kw]; transposed conv [kh, kw, out, in] -> [in, kh*kw*out], a row per
 * input channel (the weights one input value is multiplied by).
 */
function canonical(kind: LayerKind, shape: number[], values: Int8Array): TernaryMatrix {
  if (kind !== 'depthwise') {
    const rows = shape[shape.length - 1];
    const cols = values.length / rows;
    const out = new Int8Array(values.length);
    for (let j = 0; j < cols; j++) for (let o = 0; o < rows; o++) out[o * cols + j] = values[j * rows + o];
    return { rows, cols, values: out };
  }
  const [kh, kw, channels, multiplier] = shape;
  const rows = channels * multiplier;
  const cols = kh * kw;
  const out = new Int8Array(values.length);
  for (let p = 0; p < cols; p++) {
    for (let c = 0; c < channels; c++) for (let m = 0; m < multiplier; m++) out[(c * multiplier + m) * cols + p] = values[(p * channels + c) * multiplier + m];
  }
  return { rows, cols, values: out };
}

export function weightLayers(model: tfl.LayersModel): WeightLayer[] {
  return weightLayerRefs(model).map(({ layer, kind, kernel }) => {
    const values = kernel.read().dataSync() as Float32Array;
    const { levels, alpha, alphas } = kernelLevels(values, channelLayout(kind, kernel.shape as number[]));
    const output = layer.outputShape as number[];
    const input = layer.inboundNodes[0].inputTensors[0].shape as number[];
    // A transposed convolution uses its kernel once per input pixel, the others once per output.
    const positions = kind === 'dense' ? output.slice(1, -1).reduce((a, b) => a * b, 1) : kind === 'transposedConv' ? input[1] * input[2] : output[1] * output[2];
    return {
      name: layer.name,
      kernel: kernel.name,
      kind,
      matrix: canonical(kind, kernel.shape as number[], signs(values)),
      positions,
      levels,
      alpha,
      scales: alphas?.length ?? 1,
      inputElements: input.slice(1).reduce((a, b) => a * b, 1),
      inputBits: inputBitsOf(layer),
    };
  });
}

/** Every parameter outside the kernels: biases, BatchNorm's four vectors, PReLU slopes. */
export function otherParameters(model: tfl.LayersModel, layers: readonly WeightLayer[]): number {
  const kernels = new Set(layers.map((l) => l.kernel));
  return model.weights.filter((w) => !kernels.has(w.name)).reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}
