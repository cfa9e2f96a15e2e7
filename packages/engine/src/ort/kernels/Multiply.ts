import { Multiply } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const multiplyConfig = binaryKernel(Multiply, 'Mul');
