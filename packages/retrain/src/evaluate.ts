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

/**
 * Top-1 accuracy of the model as it is, over a labeled set, in batches. Non-finite outputs (whose
 * argmax would count as class 0) are a NonFiniteOutputError naming the first layer that made them.
 */
export function accuracy(model: tfl.LayersModel, set: LabeledImages, options: TensorOptions = {}, batchSize = 500): number {
  let correct = 0;
  for (const { x, y } of batches(set, { ...options, labels: 'int', batchSize, shuffle: false })) {
    const predictions = model.predict(x) as tf.Tensor;
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
