import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { keepWhere, pinToMask, type Masks } from './masks';
import type { Quantizer } from './quantizer';
import type { LayerPolicy } from './quantized_layers';
import { withQuantizedKernels } from './quantized_kernels';

/** A quantized layer's float (shadow) weights this step, with its threshold: what regularizers see. */
export interface ShadowWeight {
  name: string;
  w: tf.Tensor;
  delta: number;
  alpha: number;
}

export interface StraightThroughOptions {
  quantizer: Quantizer;
  optimizer: tf.Optimizer;
  /** The loss of a batch: (labels, predictions) => scalar. */
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
  policy?: LayerPolicy;
  /** Fixed pruning masks: gradients and updated weights are multiplied by them. */
  masks?: Masks;
  /** Zero a float weight's gradient where |w| exceeds this (straight-through with clipping). */
  clip?: number;
  /** A penalty on the float weights (regularizers); its gradient is taken at the float weights. */
  penalty?: (weights: ShadowWeight[]) => tf.Scalar;
  /**
   * Weight decay as torch's SGD applies it (g + decay * w), on the float weights of every
   * convolution and dense kernel (rank 2 and up), never on BatchNorm's parameters or biases.
   */
  weightDecay?: number;
}

export interface StepResult {
  loss: number;
  penalty: number;
  layers: { name: string; alpha: number; delta: number }[];
}

/**
 * One straight-through training step on an unmodified LayersModel: each quantized kernel W is
 * replaced by q(W) for the forward and backward pass; the gradient taken at q(W) (plus the
 * penalty's gradient at W, masked and clipped) updates the float weights W, which stay in the model.
 */
export function straightThroughStep(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor, options: StraightThroughOptions): StepResult {
  const { quantizer, optimizer, masks, clip, penalty } = options;
  // Forward and backward at q(W); the float weights are back in the kernels afterwards.
  const { kernels, value: lossValue, grads } = withQuantizedKernels(model, quantizer, options, (quantized) => ({
    kernels: quantized,
    ...tf.variableGrads(
      () => options.loss(y, model.apply(x, { training: true }) as tf.Tensor),
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    ),
  }));

  let penaltyValue = 0;
  if (penalty) {
    const shadows = kernels.map(({ ref, alpha, delta }) => ({ name: ref.name, w: ref.kernel.read(), delta, alpha }));
    const { value, grads: penaltyGrads } = tf.variableGrads(
      () => penalty(shadows),
      kernels.map(({ ref }) => ref.kernel.read() as tf.Variable),
    );
    penaltyValue = value.dataSync()[0];
    value.dispose();
    for (const [name, g] of Object.entries(penaltyGrads)) {
      const sum = tf.add(grads[name], g);
      tf.dispose([grads[name], g]);
      grads[name] = sum;
    }
  }
  if (options.weightDecay) {
    for (const w of model.trainableWeights.filter((v) => v.shape.length >= 2)) {
      const decayed = tf.tidy(() => tf.add(grads[w.name], tf.mul(w.read(), options.weightDecay!)));
      grads[w.name].dispose();
      grads[w.name] = decayed;
    }
  }
  for (const { ref } of kernels) {
    const mask = masks?.get(ref.name);
    const g = grads[ref.name];
    grads[ref.name] = tf.tidy(() => {
      let out = g;
      if (clip !== undefined) out = tf.mul(out, tf.cast(tf.lessEqual(tf.abs(ref.kernel.read()), clip), 'float32'));
      return mask ? keepWhere(out, mask) : tf.clone(out);
    });
    g.dispose();
  }
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  // Pruned weights stay exactly zero whatever the optimizer's momentum does.
  for (const { ref } of kernels) {
    const mask = masks?.get(ref.name);
    if (mask) pinToMask(ref.kernel, mask);
  }
  const loss = lossValue.dataSync()[0];
  lossValue.dispose();
  return { loss, penalty: penaltyValue, layers: kernels.map(({ ref, alpha, delta }) => ({ name: ref.name, alpha, delta })) };
}
