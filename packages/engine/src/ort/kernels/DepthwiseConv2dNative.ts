import { DepthwiseConv2dNative, type DepthwiseConv2dNativeAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel } from '../accelerated_kernel';
import { convOnOrt } from './conv_impl';

export const depthwiseConv2dNativeConfig = acceleratedKernel(DepthwiseConv2dNative, ({ inputs, attrs, backend }) =>
  convOnOrt(DepthwiseConv2dNative, backend, {
    ...(attrs as unknown as DepthwiseConv2dNativeAttrs),
    x: inputs.x,
    filter: inputs.filter,
    depthwise: true,
    activation: 'linear',
    leakyreluAlpha: 0,
  }),
);
