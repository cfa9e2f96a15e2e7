import { Step, type StepAttrs } from '@tensorflow/tfjs-core';
import { unaryKernel } from './elementwise_impl';

// TF.js step: 1 where x > 0, alpha elsewhere, and NaN stays NaN.
export const stepConfig = unaryKernel(
  Step,
  (g, x, attrs) => {
    const { alpha } = attrs as unknown as StepAttrs;
    const step = g.op('Where', [g.op('Greater', [x, g.constFloat([0], [])]), g.constFloat([1], []), g.constFloat([alpha], [])]);
    return g.op('Where', [g.op('IsNaN', [x]), x, step]);
  },
  (attrs) => `(${(attrs as unknown as StepAttrs).alpha})`,
);
