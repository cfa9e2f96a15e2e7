import { getKernel, getKernelsForBackend, registerBackend, registerKernel } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ORT_BACKEND_NAME } from './accelerated_kernel';
import { OrtBackend, type OrtBackendOptions } from './ort_backend';
import { checkOrtBinding } from './ort_binding';
import { ortKernelConfigs } from './register_ort_kernels';

let backend: OrtBackend | undefined;

/**
 * Registers the 'ort' backend once: the accelerated kernels, then every cpu kernel that has no
 * 'ort' kernel yet under the 'ort' name. Later calls only update the options of the one backend instance.
 */
export function registerOrtBackend(options: OrtBackendOptions): OrtBackend {
  if (backend) {
    backend.options = options;
    return backend;
  }
  checkOrtBinding();
  const instance = new OrtBackend(options);
  for (const config of ortKernelConfigs) registerKernel(config);
  for (const config of getKernelsForBackend('cpu')) {
    if (getKernel(config.kernelName, ORT_BACKEND_NAME) === undefined) registerKernel({ ...config, backendName: ORT_BACKEND_NAME });
  }
  registerBackend(ORT_BACKEND_NAME, () => instance, 1);
  backend = instance;
  return instance;
}
