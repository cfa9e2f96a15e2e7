import type * as tfl from '@tensorflow/tfjs-layers';
import { batches, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import { restoreBatchNorm, type RestoredBatchNorm } from './restore_batch_norm';

/** Enough images for per-channel statistics within a percent or so, few enough to take a second. */
export const CALIBRATION_IMAGES = 256;

/**
 * restoreBatchNorm calibrated on a seeded sample of the training images, scaled
 * as training scales them (the same sample on every run with this seed, so a resumed run rebuilds
 * the same model). The model passed in is disposed when it is replaced; its InputLayer lives on.
 */
export function restoreBatchNormFrom(model: tfl.LayersModel, set: LabeledImages, options: { tensors?: TensorOptions; seed?: number } = {}): RestoredBatchNorm {
  for (const { x } of batches(set, { ...options.tensors, batchSize: CALIBRATION_IMAGES, seed: options.seed, shuffle: true })) {
    const restored = restoreBatchNorm(model, x);
    if (restored.model !== model) for (const layer of model.layers) if (!restored.model.layers.includes(layer)) layer.dispose();
    return restored;
  }
  return { model, layers: [] };
}
