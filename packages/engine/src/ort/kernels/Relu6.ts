import { Relu6 } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

export const relu6Config = unaryKernel(Relu6, (g, x) => g.op('Clip', [x, g.constFloat([0], []), g.constFloat([6], [])]));
