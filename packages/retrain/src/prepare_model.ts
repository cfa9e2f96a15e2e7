// The model a run trains, from the model it was given (its head fitted to the data): BatchNorm
// given back where a PyTorch export folded it away, and the hidden activations quantized as the
// run asks, both calibrated on the same seeded sample of training images, so that a resumed run
// rebuilds the same model before its checkpoint's weights are restored into it.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batches, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import { quantizeActivations } from '@sparse-ternary/models';
import { activationQuantizationOf, type RunConfig } from './options/run_options';
import { restoreBatchNorm, type RestoredBatchNorm } from './restore_batch_norm';

/** Enough images for per-channel statistics within a percent or so, few enough to take a second. */
export const CALIBRATION_IMAGES = 256;

interface CalibrationOptions {
  tensors?: TensorOptions;
  seed?: number;
}

/** `use` of a seeded sample of CALIBRATION_IMAGES training images, scaled as training scales them (disposed after). */
function withCalibrationImages<T>(set: LabeledImages, options: CalibrationOptions, use: (images: tf.Tensor4D) => T): T {
  for (const { x } of batches(set, { ...options.tensors, batchSize: CALIBRATION_IMAGES, seed: options.seed, shuffle: true })) return use(x);
  throw new RangeError('calibration needs training images; the set is empty');
}

/** `next` in place of `model`: the layers only `model` had are disposed (its InputLayer lives on). */
function replacing(model: tfl.LayersModel, next: tfl.LayersModel): tfl.LayersModel {
  if (next !== model) for (const layer of model.layers) if (!next.layers.includes(layer)) layer.dispose();
  return next;
}

/** restoreBatchNorm calibrated on the calibration sample; the model passed in is disposed when it is replaced. */
export function restoreBatchNormFrom(model: tfl.LayersModel, set: LabeledImages, options: CalibrationOptions = {}): RestoredBatchNorm {
  if (!set.count) return { model, layers: [] };
  const restored = withCalibrationImages(set, options, (images) => restoreBatchNorm(model, images));
  return { ...restored, model: replacing(model, restored.model) };
}

export interface PreparedModel {
  model: tfl.LayersModel;
  /** The convolutions that got their BatchNorm back. */
  restoredBatchNorm: string[];
  /** The quantized activations and their clips as calibrated (none with float activations). */
  activations: { name: string; clip: number }[];
}

/**
 * The model a configuration trains (its restoreBatchNorm and activation options): `fitted` with
 * its BatchNorm restored and its activations quantized. `fitted` is disposed when replaced.
 */
export function prepareModel(fitted: tfl.LayersModel, set: LabeledImages, config: RunConfig, tensors: TensorOptions): PreparedModel {
  const options = { tensors, seed: config.seed };
  const quantization = activationQuantizationOf(config);
  if (!quantization) {
    const restored = config.restoreBatchNorm ? restoreBatchNormFrom(fitted, set, options) : { model: fitted, layers: [] };
    return { model: restored.model, restoredBatchNorm: restored.layers, activations: [] };
  }
  // One calibration sample for both: BatchNorm's statistics, then the activations' clips.
  return withCalibrationImages(set, options, (images) => {
    const restored = config.restoreBatchNorm ? restoreBatchNorm(fitted, images) : { model: fitted, layers: [] };
    const model = replacing(fitted, restored.model);
    const quantized = quantizeActivations(model, quantization, images);
    return { model: replacing(model, quantized.model), restoredBatchNorm: restored.layers, activations: quantized.layers };
  });
}
