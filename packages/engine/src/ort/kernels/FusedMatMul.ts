import { _FusedMatMul, type _FusedMatMulAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel } from '../accelerated_kernel';
import type { FusableActivation } from './fused_activation_impl';
import { matMulOnOrt } from './matmul_impl';

export const fusedMatMulConfig = acceleratedKernel(_FusedMatMul, ({ inputs, attrs, backend }) => {
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as _FusedMatMulAttrs;
  return matMulOnOrt(_FusedMatMul, backend, {
    a: inputs.a,
    b: inputs.b,
    bias: inputs.bias,
    prelu: inputs.preluActivationWeights,
    transposeA,
    transposeB,
    activation: activation as FusableActivation,
    leakyreluAlpha: leakyreluAlpha ?? 0.2,
  });
});
