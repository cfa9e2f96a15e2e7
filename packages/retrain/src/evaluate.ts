import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { NonFiniteOutputError } from './errors';
import { batches, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import { withQuantizedKernels, type LayerPolicy, type Masks, type Quantizer } from '@sparse-ternary/quantize-prune';

const allFinite = (t: tf.Tensor): boolean => tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0] === 1);

/** The first layer (in model order) whose output on `x` is not finite. */
function firstNonFiniteLayer(model: tfl.LayersModel, x: tf.Tensor): string {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const probe = tfl.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tfl.SymbolicTensor) });
  const outputs = [probe.predict(x)].flat() as tf.Tensor[];
  try {
    return layers[outputs.findIndex((o) => !allFinite(o))]?.name ?? model.layers[model.layers.length - 1].name;
  } finally {
    tf.dispose(outputs);
  }
}

/** Test-time augmentation: none, or the mean of the outputs on each image and on its mirror image (flipped left to right). */
export const TEST_TIME_AUGMENTATIONS = ['none', 'flip'] as const;
export type TestTimeAugmentation = (typeof TEST_TIME_AUGMENTATIONS)[number];

/** The model's outputs on a batch of images [N, H, W, C], averaged with those on their mirror images for 'flip'. */
function predict(model: tfl.LayersModel, x: tf.Tensor, tta: TestTimeAugmentation): tf.Tensor {
  if (tta === 'none' || x.rank !== 4) return model.predict(x) as tf.Tensor;
  return tf.tidy(() => tf.div(tf.add(model.predict(x) as tf.Tensor, model.predict(tf.reverse(x, 2)) as tf.Tensor), 2));
}

/**
 * Top-1 accuracy of the model as it is, over a labeled set, in batches (with test-time
 * augmentation when asked). Non-finite outputs (whose argmax would count as class 0) are a
 * NonFiniteOutputError naming the first layer that made them.
 */
export function accuracy(model: tfl.LayersModel, set: LabeledImages, options: TensorOptions = {}, batchSize = 500, tta: TestTimeAugmentation = 'none'): number {
  let correct = 0;
  for (const { x, y } of batches(set, { ...options, labels: 'int', batchSize, shuffle: false })) {
    const predictions = predict(model, x, tta);
    try {
      if (!allFinite(predictions)) throw new NonFiniteOutputError(firstNonFiniteLayer(model, x));
      correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(predictions, -1), y), 'int32')).dataSync()[0]);
    } finally {
      predictions.dispose();
    }
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
