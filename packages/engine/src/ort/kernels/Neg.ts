import { Neg } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const negConfig = unaryKernel(Neg, (g, x) => g.op('Neg', [x]));
