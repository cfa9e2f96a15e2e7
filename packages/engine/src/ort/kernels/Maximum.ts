import { Maximum } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const maximumConfig = binaryKernel(Maximum, 'Max');
