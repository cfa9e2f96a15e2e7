// What the loss is computed on. The models built here end in a dense layer with a softmax, whose
// probabilities the loss takes; imported models may end in logits, or in a separate Softmax
// layer, and are trained on the logits (softmax cross-entropy from logits is the stable form).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export type Loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

export interface TrainingHead {
  /** The model to train: the model itself, or the same layers up to the logits before a final Softmax. */
  model: tfl.LayersModel;
  loss: Loss;
  output: 'probabilities' | 'logits';
}

const fromProbabilities: Loss = (yTrue, yPred) =>
  tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, 1e-7, 1))), -1))) as tf.Scalar);

const fromLogits: Loss = (yTrue, logits) => tf.tidy(() => tf.losses.softmaxCrossEntropy(yTrue, logits) as tf.Scalar);

const activationOf = (layer: tfl.layers.Layer) => layer.getConfig().activation as string | undefined;

export function trainingHead(model: tfl.LayersModel): TrainingHead {
  const last = model.layers[model.layers.length - 1];
  const separateSoftmax = last.getClassName() === 'Softmax' || (last.getClassName() === 'Activation' && activationOf(last) === 'softmax');
  if (separateSoftmax && model.outputs.length === 1) {
    const logits = last.inboundNodes[0].inputTensors[0];
    return { model: tfl.model({ inputs: model.inputs, outputs: logits, name: `${model.name}_logits` }), loss: fromLogits, output: 'logits' };
  }
  return activationOf(last) === 'softmax'
    ? { model, loss: fromProbabilities, output: 'probabilities' }
    : { model, loss: fromLogits, output: 'logits' };
}
