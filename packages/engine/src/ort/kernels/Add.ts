import { Add } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const addConfig = binaryKernel(Add, 'Add');
