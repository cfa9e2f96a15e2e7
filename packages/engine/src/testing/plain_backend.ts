// Test helper: a backend with every cpu kernel except the fused ones, standing in for backends
// (tfjs-node) where the fused ops take their tf-op fallback paths.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BatchNormTraining, BatchNormTrainingGrad } from '../fused/batch_norm_training_kernels';
import { FusedAdamUpdate } from '../fused/fused_adam_update';
import { quietCpuAdvice } from '../quiet_cpu_advice';

export const PLAIN_BACKEND = 'plain-cpu';
const FUSED = new Set([FusedAdamUpdate, BatchNormTraining, BatchNormTrainingGrad]);

export function registerPlainBackend(): void {
  if (tf.findBackend(PLAIN_BACKEND)) return;
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (!FUSED.has(config.kernelName)) tf.registerKernel({ ...config, backendName: PLAIN_BACKEND });
  }
  tf.registerBackend(PLAIN_BACKEND, () => {
    const backend = new MathBackendCPU();
    quietCpuAdvice(backend);
    return backend;
  });
}
