import { Square } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const squareConfig = unaryKernel(Square, (g, x) => g.op('Mul', [x, x]));
