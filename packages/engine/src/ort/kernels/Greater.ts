import { Greater } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const greaterConfig = binaryKernel(Greater, 'Greater', 'bool');
