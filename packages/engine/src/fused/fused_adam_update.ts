// One kernel for a whole Adam step of one variable. tf.train.adam issues twelve elementwise ops
// per variable, each allocating a full-size tensor; this reads the four inputs once and writes
// the three outputs once.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

export const FusedAdamUpdate = 'FusedAdamUpdate';

export interface FusedAdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 / (1 - beta1^t) and 1 / (1 - beta2^t): Adam's bias corrections at step t. */
  correction1: number;
  correction2: number;
}

/** Inputs value, gradient, m, v; outputs [newValue, newM, newV]. */
const fusedAdamUpdate: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as MathBackendCPU;
  const { value, gradient, m, v } = inputs as Record<string, TensorInfo>;
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = attrs as unknown as FusedAdamUpdateAttrs;
  const w = cpu.data.get(value.dataId).values as Float32Array;
  const g = cpu.data.get(gradient.dataId).values as Float32Array;
  const m0 = cpu.data.get(m.dataId).values as Float32Array;
  const v0 = cpu.data.get(v.dataId).values as Float32Array;
  const n = w.length;
  const w1 = new Float32Array(n);
  const m1 = new Float32Array(n);
  const v1 = new Float32Array(n);
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  // A local: a global lookup per element is slow where globals are interceptors (vm contexts, as in jest).
  const sqrt = Math.sqrt;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = beta1 * m0[i] + a1 * gi;
    const vi = beta2 * v0[i] + a2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    w1[i] = w[i] - (learningRate * mi * correction1) / (sqrt(vi * correction2) + epsilon);
  }
  return [
    cpu.makeTensorInfo(value.shape, 'float32', w1),
    cpu.makeTensorInfo(value.shape, 'float32', m1),
    cpu.makeTensorInfo(value.shape, 'float32', v1),
  ];
};

/** The kernel for the JS-array backends ('cpu' and 'ort' keep tensors in the same typed arrays). */
export const fusedAdamUpdateConfigs = (backendNames: string[]): KernelConfig[] =>
  backendNames.map((backendName) => ({ kernelName: FusedAdamUpdate, backendName, kernelFunc: fusedAdamUpdate }));
