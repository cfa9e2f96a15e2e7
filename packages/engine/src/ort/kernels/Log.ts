import { Log } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const logConfig = unaryKernel(Log, (g, x) => g.op('Log', [x]));
