import { Exp } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const expConfig = unaryKernel(Exp, (g, x) => g.op('Exp', [x]));
