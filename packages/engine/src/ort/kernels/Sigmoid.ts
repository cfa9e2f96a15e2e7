import { Sigmoid } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const sigmoidConfig = unaryKernel(Sigmoid, (g, x) => g.op('Sigmoid', [x]));
