import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batches, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import { withQuantizedKernels, type LayerPolicy, type Masks, type Quantizer } from '@sparse-ternary/quantize-prune';

/** Top-1 accuracy of the model as it is, over a labeled set, in batches. */
export function accuracy(model: tfl.LayersModel, set: LabeledImages, options: TensorOptions = {}, batchSize = 500): number {
  let correct = 0;
  for (const { x, y } of batches(set, { ...options, labels: 'int', batchSize, shuffle: false })) {
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, -1), y), 'int32')).dataSync()[0]);
  }
  return correct / set.count;
}

/**
 * Accuracy of the quantized network (the one that is deployed): q(W) is written into the kernels
 * for the evaluation and the float weights are restored after it.
 */
export function quantizedAccuracy(
  model: tfl.LayersModel,
  set: LabeledImages,
  quantizer: Quantizer,
  options: { masks?: Masks; policy?: LayerPolicy; tensors?: TensorOptions } = {},
): number {
  return withQuantizedKernels(model, quantizer, options, () => accuracy(model, set, options.tensors));
}
