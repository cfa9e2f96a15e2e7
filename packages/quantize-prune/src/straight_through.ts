import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { keepWhere, type Masks } from './masks';
import type { Quantizer } from './quantizer';
import { quantizedLayers, type LayerPolicy, type QuantizedLayerRef } from './quantized_layers';

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
  const targets = quantizedLayers(model, options.policy).filter((t) => t.treatment !== 'float');
  const shadows = new Map<string, tf.Tensor>();
  const stats: StepResult['layers'] = [];
  try {
    // Forward and backward at q(W).
    for (const t of targets) {
      const w = tf.clone(t.kernel.read());
      shadows.set(t.name, w);
      const { q, alpha, delta } = quantizer.quantize(w, masks?.get(t.name));
      stats.push({ name: t.name, alpha, delta });
      t.kernel.write(q);
      q.dispose();
    }
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value: lossValue, grads } = tf.variableGrads(() => options.loss(y, model.apply(x, { training: true }) as tf.Tensor), variables);
    for (const t of targets) t.kernel.write(shadows.get(t.name)!);

    let penaltyValue = 0;
    if (penalty) {
      const shadowWeights = (refs: QuantizedLayerRef[]) =>
        refs.map((t, i) => ({ name: t.name, w: t.kernel.read(), delta: stats[i].delta, alpha: stats[i].alpha }));
      const kernels = targets.map((t) => t.kernel.read() as tf.Variable);
      const { value, grads: penaltyGrads } = tf.variableGrads(() => penalty(shadowWeights(targets)), kernels);
      penaltyValue = value.dataSync()[0];
      value.dispose();
      for (const [name, g] of Object.entries(penaltyGrads)) {
        const sum = tf.add(grads[name], g);
        tf.dispose([grads[name], g]);
        grads[name] = sum;
      }
    }
    for (const t of targets) {
      const mask = masks?.get(t.name);
      const g = grads[t.name];
      grads[t.name] = tf.tidy(() => {
        let out = g;
        if (clip !== undefined) out = tf.mul(out, tf.cast(tf.lessEqual(tf.abs(shadows.get(t.name)!), clip), 'float32'));
        return mask ? keepWhere(out, mask) : tf.clone(out);
      });
      g.dispose();
    }
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    // Pruned weights stay exactly zero whatever the optimizer's momentum does.
    if (masks) {
      for (const t of targets) {
        const mask = masks.get(t.name);
        if (mask) t.kernel.write(keepWhere(t.kernel.read(), mask));
      }
    }
    const loss = lossValue.dataSync()[0];
    lossValue.dispose();
    return { loss, penalty: penaltyValue, layers: stats };
  } finally {
    tf.dispose([...shadows.values()]);
  }
}
