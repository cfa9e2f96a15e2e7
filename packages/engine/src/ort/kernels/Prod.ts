import { Prod } from '@tensorflow/tfjs-core';
import { reduceKernel } from './reduce_impl';

export const prodConfig = reduceKernel(Prod, 'ReduceProd');
