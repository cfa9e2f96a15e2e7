import { Sum } from '@tensorflow/tfjs-core';
import { reduceKernel } from './reduce_impl';

export const sumConfig = reduceKernel(Sum, 'ReduceSum');
