// PyTorch's ONNX export (eval mode) folds every BatchNorm into the convolution before it, so an
// imported torchvision model has none left: each output channel of a kernel carries its BatchNorm's
// scale gamma/sigma, and those differ by orders of magnitude within one layer. A ternary quantizer
// with one threshold and one scale per layer then zeroes the small channels and flattens the
// others, with no normalization left for training to recover with (MobileNetV2 fell to chance).
// restoreBatchNorm gives each such convolution its BatchNorm back, as the network was trained.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalization } from '@sparse-ternary/engine';
import { weightLayerOf } from '@sparse-ternary/hw-cost';
import { checkRebuildable, copyLayer, rebuildModel } from '@sparse-ternary/models';

export interface RestoreBatchNormOptions {
  /** BatchNorm's epsilon (default PyTorch's 1e-5). */
  epsilon?: number;
  /** Keras' momentum of the moving statistics (default 0.9, PyTorch's 0.1). */
  momentum?: number;
  /** Images per calibration pass (default: as many as keep the convolutions' outputs under 16 M values). */
  chunk?: number;
}

export interface RestoredBatchNorm {
  /** The model with the BatchNorms (the same model when no convolution lacked one). */
  model: tfl.LayersModel;
  /** The convolutions that got a BatchNorm. */
  layers: string[];
}

/** Calibration works on chunks of at most this many output values of all the convolutions together. */
const CHUNK_VALUES = 1 << 24;

const BATCH_NORMS = ['BatchNormalization', 'FusedBatchNormalization'];

/** A convolution with a linear output, channels last, whose only consumer is not a BatchNorm. */
function lacksBatchNorm(layer: tfl.layers.Layer): boolean {
  const ref = weightLayerOf(layer);
  if (!ref || (ref.kind !== 'conv' && ref.kind !== 'depthwise')) return false;
  const config = layer.getConfig();
  if ((config.activation ?? 'linear') !== 'linear' || config.dataFormat === 'channelsFirst') return false;
  const consumers = layer.outboundNodes.map((node) => node.outboundLayer.getClassName());
  return !(consumers.length === 1 && BATCH_NORMS.includes(consumers[0]));
}

/** Per-channel mean and variance of each layer's output over `images`, in chunks that bound memory. */
function outputMoments(model: tfl.LayersModel, layers: tfl.layers.Layer[], images: tf.Tensor4D, chunkImages?: number): { mean: Float64Array; variance: Float64Array }[] {
  const probe = tfl.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tfl.SymbolicTensor) });
  const perImage = layers.reduce((sum, l) => sum + (l.outputShape as number[]).slice(1).reduce((a, b) => a * b, 1), 0);
  const chunk = chunkImages ?? Math.max(1, Math.floor(CHUNK_VALUES / perImage));
  // Each chunk's moments, combined exactly (Chan et al.) rather than as E[z^2] - E[z]^2 in float32.
  const chunks: { weight: number; mean: Float32Array; variance: Float32Array }[][] = layers.map(() => []);
  for (let start = 0; start < images.shape[0]; start += chunk) {
    const size = Math.min(chunk, images.shape[0] - start);
    tf.tidy(() => {
      const outputs = [probe.predict(tf.slice(images, start, size))].flat() as tf.Tensor[];
      outputs.forEach((o, i) => {
        const { mean, variance } = tf.moments(o, [0, 1, 2]);
        chunks[i].push({ weight: size / images.shape[0], mean: mean.dataSync() as Float32Array, variance: variance.dataSync() as Float32Array });
      });
    });
  }
  return chunks.map((parts) => {
    const channels = parts[0].mean.length;
    const mean = new Float64Array(channels);
    const variance = new Float64Array(channels);
    for (const p of parts) for (let c = 0; c < channels; c++) mean[c] += p.weight * p.mean[c];
    for (const p of parts) for (let c = 0; c < channels; c++) variance[c] += p.weight * (p.variance[c] + (p.mean[c] - mean[c]) ** 2);
    return { mean, variance };
  });
}

/**
 * Every convolution (grouped and depthwise included) whose output goes on without a BatchNorm gets
 * one, calibrated on `images` (a few hundred training images, scaled as in training) so that the
 * model computes exactly what it did in inference, and nearly so in training:
 * - its kernel's output channels are rescaled to the layer's mean magnitude (W'_c = W_c / r_c, r_c
 *   = mean|W_c| / mean over channels), so that one threshold per layer treats every channel alike,
 *   and its bias moves into the BatchNorm;
 * - the BatchNorm's moving statistics are those of W'x on `images` (mean m_c, variance v_c), and
 *   gamma_c = r_c sqrt(v_c + eps), beta_c = r_c m_c + b_c, so that its output is r_c W'x + b_c = Wx + b.
 * The other layers are copied with their weights; the model passed in is left as it was.
 */
export function restoreBatchNorm(model: tfl.LayersModel, images: tf.Tensor4D, options: RestoreBatchNormOptions = {}): RestoredBatchNorm {
  const epsilon = options.epsilon ?? 1e-5;
  const targets = model.layers.filter(lacksBatchNorm);
  if (!targets.length) return { model, layers: [] };
  checkRebuildable(model);
  const moments = new Map(outputMoments(model, targets, images, options.chunk).map((m, i) => [targets[i], m]));
  const restored = rebuildModel(model, (layer, inputs) => {
    const stats = moments.get(layer);
    if (!stats) return undefined;
    const copy = copyLayer(layer, { useBias: false });
    const normalized = batchNormalization({ name: `${layer.name}_bn`, epsilon, momentum: options.momentum ?? 0.9 });
    const output = normalized.apply(copy.apply(inputs[0])) as tfl.SymbolicTensor;
    const { kernel, batchNorm } = unfolded(layer, stats, epsilon);
    copy.setWeights([kernel]);
    normalized.setWeights(batchNorm);
    tf.dispose([kernel, ...batchNorm]);
    return [output];
  });
  return { model: restored, layers: targets.map((l) => l.name) };
}

/** The rescaled kernel and the BatchNorm weights [gamma, beta, moving mean, moving variance] of one convolution. */
function unfolded(layer: tfl.layers.Layer, stats: { mean: Float64Array; variance: Float64Array }, epsilon: number): { kernel: tf.Tensor; batchNorm: tf.Tensor[] } {
  const ref = weightLayerOf(layer)!;
  const kernel = ref.kernel.read();
  const values = kernel.dataSync();
  const biasWeight = layer.weights.find((w) => w !== ref.kernel);
  const bias = biasWeight ? biasWeight.read().dataSync() : undefined;
  const channels = stats.mean.length;
  // Output channel c of a conv [kh, kw, in, out] or depthwise [kh, kw, in, multiplier] kernel: index % channels.
  const magnitude = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) magnitude[i % channels] += Math.abs(values[i]);
  const layerMean = magnitude.reduce((a, b) => a + b, 0) / channels;
  const r = magnitude.map((m) => (layerMean > 0 ? m / layerMean : 1));
  const rescaled = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) rescaled[i] = r[i % channels] > 0 ? values[i] / r[i % channels] : 0;
  const gamma = new Float32Array(channels);
  const beta = new Float32Array(channels);
  const movingMean = new Float32Array(channels);
  const movingVariance = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const b = bias?.[c] ?? 0;
    // Statistics of W'x = (Wx + b - b) / r_c; a dead channel (r_c = 0) outputs its bias alone.
    movingMean[c] = r[c] > 0 ? (stats.mean[c] - b) / r[c] : 0;
    movingVariance[c] = r[c] > 0 ? stats.variance[c] / r[c] ** 2 : 1;
    gamma[c] = r[c] * Math.sqrt(movingVariance[c] + epsilon);
    beta[c] = r[c] * movingMean[c] + b;
  }
  return { kernel: tf.tensor(rescaled, kernel.shape), batchNorm: [tf.tensor(gamma), tf.tensor(beta), tf.tensor(movingMean), tf.tensor(movingVariance)] };
}
