import { channelLayout, weightLayerRefs, type ChannelLayout } from '@sparse-ternary/hw-cost';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What happens to a layer's kernel: quantized and pruned, quantized but never pruned, or left float. */
export type LayerTreatment = 'quantize' | 'dense' | 'float';

/** FINN quantizes and prunes every layer; the first and last can be kept float or dense instead. */
export interface LayerPolicy {
  first?: LayerTreatment;
  last?: LayerTreatment;
}

/** A layer whose kernel the method quantizes: a weight layer of @sparse-ternary/hw-cost's one list. */
export interface QuantizedLayerRef {
  layer: tfl.layers.Layer;
  kernel: tfl.LayerVariable;
  /** The kernel variable's name: the key of masks and statistics. */
  name: string;
  treatment: LayerTreatment;
  /** Where the kernel's output channels are (a scale per channel is taken over each). */
  channels: ChannelLayout;
}

/**
 * The model's trainable weight layers, in order, with the policy's treatment of each. Works on any
 * LayersModel (built here or imported from ONNX): biases and BatchNorm parameters stay float.
 */
export function quantizedLayers(model: tfl.LayersModel, policy: LayerPolicy = {}): QuantizedLayerRef[] {
  const found = weightLayerRefs(model)
    .filter(({ kernel }) => kernel.trainable)
    .map(({ layer, kernel, kind }) => ({ layer, kernel, name: kernel.name, channels: channelLayout(kind, kernel.shape as number[]) }));
  return found.map((ref, i) => ({
    ...ref,
    treatment: i === 0 ? (policy.first ?? 'quantize') : i === found.length - 1 ? (policy.last ?? 'quantize') : 'quantize',
  }));
}
