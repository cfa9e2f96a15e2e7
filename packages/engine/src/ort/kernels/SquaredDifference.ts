import { SquaredDifference } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const squaredDifferenceConfig = binaryKernel(SquaredDifference, (g, a, b) => {
  const d = g.op('Sub', [a, b]);
  return g.op('Mul', [d, d]);
});
