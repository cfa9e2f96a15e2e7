import { getGradient, getKernel, registerGradient, registerKernel } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { batchNormTrainingGradConfig } from './batch_norm_training';
import { batchNormTrainingConfigs } from './batch_norm_training_kernels';
import { fusedAdamUpdateConfigs } from './fused_adam_update';

/** Registers the fused training kernels for 'cpu' and 'ort', and their gradients, once. */
export function registerFusedKernels(): void {
  for (const config of [...fusedAdamUpdateConfigs(['cpu', 'ort']), ...batchNormTrainingConfigs]) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
  if (getGradient(batchNormTrainingGradConfig.kernelName) === undefined) registerGradient(batchNormTrainingGradConfig);
}
