import { RealDiv } from '@tensorflow/tfjs-core';
import { binaryKernel } from './elementwise_impl';

export const realDivConfig = binaryKernel(RealDiv, 'Div');
