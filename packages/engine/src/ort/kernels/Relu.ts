import { Relu } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const reluConfig = unaryKernel(Relu, (g, x) => g.op('Relu', [x]));
