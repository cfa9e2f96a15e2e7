import { Sqrt } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const sqrtConfig = unaryKernel(Sqrt, (g, x) => g.op('Sqrt', [x]));
