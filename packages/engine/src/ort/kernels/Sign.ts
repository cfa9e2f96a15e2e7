import { Sign } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const signConfig = unaryKernel(Sign, (g, x) => g.op('Sign', [x]));
