import { Conv2D, type Conv2DAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel } from '../accelerated_kernel';
import { convOnOrt } from './conv_impl';

export const conv2DConfig = acceleratedKernel(Conv2D, ({ inputs, attrs, backend }) =>
  convOnOrt(Conv2D, backend, {
    ...(attrs as unknown as Conv2DAttrs),
    x: inputs.x,
    filter: inputs.filter,
    depthwise: false,
    activation: 'linear',
    leakyreluAlpha: 0,
  }),
);
