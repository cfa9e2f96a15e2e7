import { Abs } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const absConfig = unaryKernel(Abs, (g, x) => g.op('Abs', [x]));
