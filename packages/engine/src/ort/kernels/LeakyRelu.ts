import { LeakyRelu, type LeakyReluAttrs } from '@tensorflow/tfjs-core';
import { float } from '../onnx_graph';
import { unaryKernel } from './elementwise_impl';

export const leakyReluConfig = unaryKernel(
  LeakyRelu,
  (g, x, attrs) => g.op('LeakyRelu', [x], { alpha: float((attrs as unknown as LeakyReluAttrs).alpha) }),
  (attrs) => `(${(attrs as unknown as LeakyReluAttrs).alpha})`,
);
