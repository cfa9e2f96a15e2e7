import { Mean } from '@tensorflow/tfjs-core';
import { reduceKernel } from './reduce_impl';

export const meanConfig = reduceKernel(Mean, 'ReduceMean');
