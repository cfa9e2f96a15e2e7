import { Tanh } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const tanhConfig = unaryKernel(Tanh, (g, x) => g.op('Tanh', [x]));
