import { Equal } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const equalConfig = binaryKernel(Equal, 'Equal', 'bool');
