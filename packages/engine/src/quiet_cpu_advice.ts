import type { KernelBackend } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * The cpu backend's first write prints advice to install tfjs-node. initEngine reports the backend
 * it chose, why, and how to get tfjs-node, so the advice is turned off on backends it starts.
 */
export function quietCpuAdvice(backend: KernelBackend | undefined): void {
  if (backend instanceof MathBackendCPU) (backend as unknown as { firstUse: boolean }).firstUse = false;
}
