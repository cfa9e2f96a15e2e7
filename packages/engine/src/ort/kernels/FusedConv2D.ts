import { FusedConv2D, type FusedConv2DAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel } from '../accelerated_kernel';
import { convOnOrt } from './conv_impl';
import type { FusableActivation } from './fused_activation_impl';

export const fusedConv2DConfig = acceleratedKernel(FusedConv2D, ({ inputs, attrs, backend }) => {
  const a = attrs as unknown as FusedConv2DAttrs;
  return convOnOrt(FusedConv2D, backend, {
    x: inputs.x,
    filter: inputs.filter,
    bias: inputs.bias,
    prelu: inputs.preluActivationWeights,
    strides: a.strides,
    pad: a.pad,
    dataFormat: a.dataFormat,
    dilations: a.dilations,
    dimRoundingMode: a.dimRoundingMode,
    depthwise: false,
    activation: a.activation as FusableActivation,
    leakyreluAlpha: a.leakyreluAlpha ?? 0.2,
  });
});
