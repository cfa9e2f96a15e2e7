import { Minimum } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const minimumConfig = binaryKernel(Minimum, 'Min');
