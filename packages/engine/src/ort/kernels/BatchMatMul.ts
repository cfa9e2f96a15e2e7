import { BatchMatMul, type BatchMatMulAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel } from '../accelerated_kernel';
import { matMulOnOrt } from './matmul_impl';

export const batchMatMulConfig = acceleratedKernel(BatchMatMul, ({ inputs, attrs, backend }) => {
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  return matMulOnOrt(BatchMatMul, backend, {
    a: inputs.a,
    b: inputs.b,
    transposeA,
    transposeB,
    activation: 'linear',
    leakyreluAlpha: 0,
  });
});
