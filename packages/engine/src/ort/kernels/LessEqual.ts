import { LessEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const lessEqualConfig = binaryKernel(LessEqual, 'LessOrEqual', 'bool');
