import { Min } from '@tensorflow/tfjs-core';
import { reduceKernel } from './reduce_impl';

export const minConfig = reduceKernel(Min, 'ReduceMin');
