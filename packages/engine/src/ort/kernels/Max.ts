import { Max } from '@tensorflow/tfjs-core';
import { reduceKernel } from './reduce_impl';

export const maxConfig = reduceKernel(Max, 'ReduceMax');
