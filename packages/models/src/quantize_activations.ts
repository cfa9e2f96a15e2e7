// Quantized activations in a model: every hidden ReLU (an Activation or ReLU layer, or a weight
// layer's own) becomes a QuantizedActivation, the classifier's output is left as it is. Unsigned
// quantizers are quantized ReLUs; signed and binary ones take the ReLU's place as a quantized hard
// tanh or the sign would. Calibrated and learned clips start where the quantizer's error on the
// float model's activations is least.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ACTIVATION_QUANTIZERS, activationQuantization, quantizedActivation, quantizerKind, type ActivationQuantization } from '@sparse-ternary/engine';
import { applyCopy, checkRebuildable, rebuildModel } from './rebuild_model';

/** Where a layer's ReLU is: a layer of its own, a weight layer's activation, or none. */
function reluOf(layer: tfl.layers.Layer): 'layer' | 'own' | undefined {
  const activation = layer.getConfig().activation;
  if (layer.getClassName() === 'ReLU' || (layer.getClassName() === 'Activation' && activation === 'relu')) return 'layer';
  return activation === 'relu' && layer.weights.length > 0 ? 'own' : undefined;
}

/** The hidden ReLUs: every one that the model's output does not come straight from. */
export function hiddenActivations(model: tfl.LayersModel): tfl.layers.Layer[] {
  const last = new Set(model.outputs.map((t) => t.sourceLayer));
  return model.layers.filter((l) => reluOf(l) && !last.has(l));
}

/** Candidate clips per calibration: the clip of least error among this many fractions of the largest activation. */
const CANDIDATE_CLIPS = 100;

/** At most this many activations of each layer are taken for its calibration (evenly strided). */
const CALIBRATION_VALUES = 1 << 20;

/**
 * The clip of least mean squared error between the quantizer's output and what the float model
 * computes (its ReLU when unsigned; the activation's own value, which a signed quantizer clips).
 */
export function calibratedClip(preActivations: tf.Tensor, q: ActivationQuantization): number {
  return tf.tidy(() => {
    const all = tf.reshape(preActivations, [-1]);
    const stride = Math.ceil(all.size / CALIBRATION_VALUES);
    const x = stride > 1 ? tf.gather(all, tf.range(0, all.size, stride, 'int32')) : all;
    const target = q.signed ? x : tf.relu(x);
    const largest = tf.max(tf.abs(target)).dataSync()[0];
    if (!(largest > 0)) return q.clip;
    const quantizer = ACTIVATION_QUANTIZERS[quantizerKind(q)];
    let best = { clip: largest, error: Infinity };
    for (let k = 1; k <= CANDIDATE_CLIPS; k++) {
      const clip = (largest * k) / CANDIDATE_CLIPS;
      const error = tf.tidy(() => tf.mean(tf.squaredDifference(quantizer.apply(x, tf.scalar(clip), q), target)).dataSync()[0]);
      if (error < best.error) best = { clip, error };
    }
    return best.clip;
  });
}

/** Each hidden ReLU's input on `images`: the values its quantizer is calibrated on. */
function preActivations(model: tfl.LayersModel, layers: tfl.layers.Layer[], images: tf.Tensor): tf.Tensor[] {
  // A weight layer's own ReLU is calibrated on its output (non-negative: the same clip for an unsigned quantizer).
  const probe = tfl.model({ inputs: model.inputs, outputs: layers.map((l) => (reluOf(l) === 'layer' ? (l.input as tfl.SymbolicTensor) : (l.output as tfl.SymbolicTensor))) });
  return [probe.predict(images)].flat() as tf.Tensor[];
}

export interface QuantizedActivations {
  model: tfl.LayersModel;
  /** Each quantized activation's layer name and clip, in model order. */
  layers: { name: string; clip: number }[];
}

/**
 * A new model whose hidden ReLUs are quantized as `quantization` says (`images`, a batch of
 * training images scaled as in training, calibrates the clips unless they are fixed). The other
 * layers are copied with their weights; the model passed in is left as it was.
 */
export function quantizeActivations(model: tfl.LayersModel, quantization: ActivationQuantization, images?: tf.Tensor): QuantizedActivations {
  const q = activationQuantization(quantization);
  const targets = hiddenActivations(model);
  checkRebuildable(model);
  const calibrates = q.range !== 'fixed' && q.bits > 1;
  if (calibrates && !images) throw new TypeError(`quantizeActivations: a ${q.range} clip is calibrated on images; none were given`);
  const clips = new Map<tfl.layers.Layer, number>();
  if (calibrates) {
    const values = preActivations(model, targets, images!);
    targets.forEach((layer, i) => clips.set(layer, calibratedClip(values[i], q)));
    tf.dispose(values);
  }
  const layers: QuantizedActivations['layers'] = [];
  const rebuilt = rebuildModel(model, (layer, inputs) => {
    const where = targets.includes(layer) ? reluOf(layer) : undefined;
    if (!where) return undefined;
    const before = where === 'own' ? applyCopy(layer, inputs, { activation: 'linear' }) : inputs;
    const name = where === 'own' ? `${layer.name}_act` : layer.name;
    const clip = clips.get(layer) ?? q.clip;
    layers.push({ name, clip });
    return [quantizedActivation({ ...q, clip, name }).apply(before[0]) as tfl.SymbolicTensor];
  });
  return { model: rebuilt, layers };
}
