// Batch normalization in training mode as two kernels, forward and backward, over every axis but
// the last (channels-last). TF.js composes it from moments, batchNorm and their gradients: about
// twenty full-size elementwise ops per layer and step.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { acceleratedKernel, sizeOf } from '../ort/accelerated_kernel';

export const BatchNormTraining = 'BatchNormTraining';
export const BatchNormTrainingGrad = 'BatchNormTrainingGrad';

export interface BatchNormTrainingAttrs {
  epsilon: number;
}

const values = (backend: MathBackendCPU, t: TensorInfo) => backend.data.get(t.dataId).values as Float32Array;

/** Inputs x, gamma, beta; outputs [y, mean, variance] (variance biased, as tf.moments). */
const forwardJs: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as MathBackendCPU;
  const { x, gamma, beta } = inputs as Record<string, TensorInfo>;
  const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
  const xs = values(cpu, x);
  const c = x.shape[x.shape.length - 1];
  const rows = xs.length / c;
  const mean = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let r = 0, i = 0; r < rows; r++) for (let k = 0; k < c; k++, i++) mean[k] += xs[i];
  for (let k = 0; k < c; k++) mean[k] /= rows;
  for (let r = 0, i = 0; r < rows; r++) {
    for (let k = 0; k < c; k++, i++) {
      const d = xs[i] - mean[k];
      sq[k] += d * d;
    }
  }
  const g = values(cpu, gamma);
  const b = values(cpu, beta);
  const variance = new Float32Array(c);
  const scale = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    variance[k] = sq[k] / rows;
    scale[k] = g[k] / Math.sqrt(variance[k] + epsilon);
  }
  const y = new Float32Array(xs.length);
  for (let r = 0, i = 0; r < rows; r++) for (let k = 0; k < c; k++, i++) y[i] = (xs[i] - mean[k]) * scale[k] + b[k];
  return [
    cpu.makeTensorInfo(x.shape, 'float32', y),
    cpu.makeTensorInfo([c], 'float32', Float32Array.from(mean)),
    cpu.makeTensorInfo([c], 'float32', variance),
  ];
};

/**
 * Inputs dy, x, gamma, mean, variance; outputs [dx, dgamma, dbeta], with mean and variance taken
 * as functions of x: dx = gamma * invstd / N * (N * dy - dbeta - xhat * dgamma).
 */
const backwardJs: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as MathBackendCPU;
  const { dy, x, gamma, mean, variance } = inputs as Record<string, TensorInfo>;
  const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
  const dys = values(cpu, dy);
  const xs = values(cpu, x);
  const g = values(cpu, gamma);
  const mu = values(cpu, mean);
  const v = values(cpu, variance);
  const c = x.shape[x.shape.length - 1];
  const rows = xs.length / c;
  const invstd = Float64Array.from(v, (vk) => 1 / Math.sqrt(vk + epsilon));
  const dbeta = new Float64Array(c);
  const dgamma = new Float64Array(c);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let k = 0; k < c; k++, i++) {
      dbeta[k] += dys[i];
      dgamma[k] += dys[i] * (xs[i] - mu[k]) * invstd[k];
    }
  }
  const dx = new Float32Array(xs.length);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let k = 0; k < c; k++, i++) {
      const xhat = (xs[i] - mu[k]) * invstd[k];
      dx[i] = ((g[k] * invstd[k]) / rows) * (rows * dys[i] - dbeta[k] - xhat * dgamma[k]);
    }
  }
  return [
    cpu.makeTensorInfo(x.shape, 'float32', dx),
    cpu.makeTensorInfo([c], 'float32', Float32Array.from(dgamma)),
    cpu.makeTensorInfo([c], 'float32', Float32Array.from(dbeta)),
  ];
};

const leadingAxes = (rank: number): number[] => Array.from({ length: rank - 1 }, (_, i) => i);

/** 'ort': the same two computations as onnxruntime graphs (vectorized, on every core). */
const forwardOrt = acceleratedKernel(BatchNormTraining, ({ inputs, attrs, backend }) => {
  const { x, gamma, beta } = inputs;
  const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
  if (!backend.worthOffloading(sizeOf(x.shape))) return null;
  const axes = leadingAxes(x.shape.length);
  return backend.runGraph(`${BatchNormTraining}(${epsilon})`, [x, gamma, beta], (gr, [xName, gName, bName]) => {
    const mean = gr.op('ReduceMean', [xName], { axes, keepdims: 0 });
    const d = gr.op('Sub', [xName, mean]);
    const variance = gr.op('ReduceMean', [gr.op('Mul', [d, d])], { axes, keepdims: 0 });
    const invstd = gr.op('Reciprocal', [gr.op('Sqrt', [gr.op('Add', [variance, gr.constFloat([epsilon], [])])])]);
    const y = gr.op('Add', [gr.op('Mul', [d, gr.op('Mul', [gName, invstd])]), bName]);
    return [
      { name: y, dtype: 'float32' },
      { name: mean, dtype: 'float32' },
      { name: variance, dtype: 'float32' },
    ];
  });
});

const backwardOrt = acceleratedKernel(BatchNormTrainingGrad, ({ inputs, attrs, backend }) => {
  const { dy, x, gamma, mean, variance } = inputs;
  const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
  if (!backend.worthOffloading(sizeOf(x.shape))) return null;
  const axes = leadingAxes(x.shape.length);
  const rows = sizeOf(x.shape) / x.shape[x.shape.length - 1];
  const key = `${BatchNormTrainingGrad}(${epsilon})`;
  return backend.runGraph(key, [dy, x, gamma, mean, variance], (gr, [dyName, xName, gName, meanName, varName]) => {
    const invstd = gr.op('Reciprocal', [gr.op('Sqrt', [gr.op('Add', [varName, gr.constFloat([epsilon], [])])])]);
    const xhat = gr.op('Mul', [gr.op('Sub', [xName, meanName]), invstd]);
    const dbeta = gr.op('ReduceSum', [dyName, gr.constInt64(axes)], { keepdims: 0 });
    const dgamma = gr.op('ReduceSum', [gr.op('Mul', [dyName, xhat]), gr.constInt64(axes)], { keepdims: 0 });
    const perRow = gr.constFloat([1 / rows], []);
    const centered = gr.op('Sub', [dyName, gr.op('Mul', [dbeta, perRow])]);
    const projected = gr.op('Sub', [centered, gr.op('Mul', [xhat, gr.op('Mul', [dgamma, perRow])])]);
    const dx = gr.op('Mul', [projected, gr.op('Mul', [gName, invstd])]);
    return [
      { name: dx, dtype: 'float32' },
      { name: dgamma, dtype: 'float32' },
      { name: dbeta, dtype: 'float32' },
    ];
  });
});

// Below the offload threshold the 'ort' kernels fall back to the cpu ones registered here.
export const batchNormTrainingConfigs: KernelConfig[] = [
  { kernelName: BatchNormTraining, backendName: 'cpu', kernelFunc: forwardJs },
  { kernelName: BatchNormTrainingGrad, backendName: 'cpu', kernelFunc: backwardJs },
  forwardOrt,
  backwardOrt,
];
