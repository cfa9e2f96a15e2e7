import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Per-layer 0/1 masks by kernel variable name: 1 keeps a weight, 0 pins it to exactly zero. */
export type Masks = Map<string, tf.Tensor>;

export function disposeMasks(masks: Masks): void {
  for (const m of masks.values()) m.dispose();
  masks.clear();
}

/** Non-zeros and size of a tensor. */
export function countNonZeros(t: tf.Tensor): { nonZeros: number; size: number } {
  const values = t.dataSync();
  let nonZeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) nonZeros++;
  return { nonZeros, size: values.length };
}

/** `values` where `keep` is 1 and +0 elsewhere (multiplying would leave -0 for negative values). */
export const keepWhere = (values: tf.Tensor, keep: tf.Tensor): tf.Tensor =>
  tf.tidy(() => tf.where(tf.greater(keep, 0), values, tf.zerosLike(values)));

/** Sets the variable's weights outside the mask to exactly zero. */
export function pinToMask(variable: tfl.LayerVariable, mask: tf.Tensor): void {
  const kept = keepWhere(variable.read(), mask);
  variable.write(kept);
  // write() shares the tensor's data with the variable; the tensor itself must still be released.
  kept.dispose();
}
