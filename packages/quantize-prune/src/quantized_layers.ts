import type * as tfl from '@tensorflow/tfjs-layers';

/** What happens to a layer's kernel: quantized and pruned, quantized but never pruned, or left float. */
export type LayerTreatment = 'quantize' | 'dense' | 'float';

/** FINN quantizes and prunes every layer; the first and last can be kept float or dense instead. */
export interface LayerPolicy {
  first?: LayerTreatment;
  last?: LayerTreatment;
}

/** A layer whose kernel the method quantizes: Dense, Conv2D, DepthwiseConv2D and the like. */
export interface QuantizedLayerRef {
  layer: tfl.layers.Layer;
  kernel: tfl.LayerVariable;
  /** The kernel variable's name: the key of masks and statistics. */
  name: string;
  treatment: LayerTreatment;
}

const KERNEL = /(^|\/)(kernel|depthwise_kernel)(_\d+)?$/;

/**
 * The model's layers that carry a kernel, in order, with the policy's treatment of each. Works on
 * any LayersModel (built here or imported from ONNX): biases and BatchNorm parameters stay float.
 */
export function quantizedLayers(model: tfl.LayersModel, policy: LayerPolicy = {}): QuantizedLayerRef[] {
  const found = model.layers.flatMap((layer) => {
    const kernel = layer.weights.find((w) => KERNEL.test(w.originalName) || KERNEL.test(w.name));
    return kernel && kernel.trainable ? [{ layer, kernel, name: kernel.name }] : [];
  });
  return found.map((ref, i) => ({
    ...ref,
    treatment: i === 0 ? (policy.first ?? 'quantize') : i === found.length - 1 ? (policy.last ?? 'quantize') : 'quantize',
  }));
}
