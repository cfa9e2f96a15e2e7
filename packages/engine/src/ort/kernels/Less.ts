import { Less } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const lessConfig = binaryKernel(Less, 'Less', 'bool');
