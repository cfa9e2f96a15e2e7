import { Sub } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const subConfig = binaryKernel(Sub, 'Sub');
