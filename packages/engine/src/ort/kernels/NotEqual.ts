import { NotEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const notEqualConfig = binaryKernel(NotEqual, (g, a, b) => g.op('Not', [g.op('Equal', [a, b])]), 'bool');
