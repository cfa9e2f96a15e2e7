import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { OrtBackend } from './ort_backend';

export const ORT_BACKEND_NAME = 'ort';

export interface OrtKernelArgs {
  /** Named inputs; optional ones (bias, scale, ...) may be undefined at run time. */
  inputs: Record<string, TensorInfo>;
  attrs: NamedAttrMap;
  backend: OrtBackend;
}

/** Returns the kernel's outputs from onnxruntime, or null to let the cpu kernel do it. */
export type Accelerator = (args: OrtKernelArgs) => TensorInfo | TensorInfo[] | null;

/**
 * A KernelConfig for the 'ort' backend: tries `accelerate`, and falls back to the cpu backend's
 * kernel of the same name (which works on OrtBackend, a MathBackendCPU) when it declines.
 */
export function acceleratedKernel(kernelName: string, accelerate: Accelerator): KernelConfig {
  let cpuKernel: KernelFunc | undefined;
  const kernelFunc: KernelFunc = (args) => {
    const result = accelerate(args as unknown as OrtKernelArgs);
    if (result !== null) return result;
    cpuKernel ??= getKernel(kernelName, 'cpu')!.kernelFunc;
    return cpuKernel(args);
  };
  return { kernelName, backendName: ORT_BACKEND_NAME, kernelFunc };
}

/** True when every tensor is float32: the accelerated graphs are written for float32 only. */
export function allFloat32(...tensors: (TensorInfo | undefined)[]): boolean {
  return tensors.every((t) => t === undefined || t.dtype === 'float32');
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
