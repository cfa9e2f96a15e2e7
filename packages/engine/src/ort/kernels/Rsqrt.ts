import { Rsqrt } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const rsqrtConfig = unaryKernel(Rsqrt, (g, x) => g.op('Reciprocal', [g.op('Sqrt', [x])]));
