import * as tf from '@tensorflow/tfjs-core';
import { BatchNormTraining, BatchNormTrainingGrad, type BatchNormTrainingAttrs } from './batch_norm_training_kernels';

export interface BatchNormTrainingResult {
  y: tf.Tensor;
  /** Batch statistics over every axis but the last, for moving averages (the fused kernels give them no gradient). */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Batch normalization in training mode over every axis but the last, with batch statistics:
 * y = (x - mean) / sqrt(variance + epsilon) * gamma + beta. On backends with the fused kernels
 * ('cpu', 'ort') forward and backward are one kernel each; elsewhere it is tf.moments + tf.batchNorm.
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainingResult {
  if (tf.getKernel(BatchNormTraining, tf.getBackend()) === undefined) {
    return tf.tidy(() => {
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      const y = tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
      return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
    });
  }
  const attrs: BatchNormTrainingAttrs = { epsilon };
  const [y, mean, variance] = tf.engine().runKernel(BatchNormTraining, { x, gamma, beta }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** The gradient of the fused forward kernel, as the fused backward kernel. */
export const batchNormTrainingGradConfig: tf.GradConfig = {
  kernelName: BatchNormTraining,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    const [x, gamma, mean, variance] = saved;
    const [dx, dgamma, dbeta] = tf.engine().runKernel(BatchNormTrainingGrad, { dy, x, gamma, mean, variance }, attrs) as tf.Tensor[];
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
  },
};
