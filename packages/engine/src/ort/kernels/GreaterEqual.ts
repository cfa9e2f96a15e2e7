import { GreaterEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const greaterEqualConfig = binaryKernel(GreaterEqual, 'GreaterOrEqual', 'bool');
