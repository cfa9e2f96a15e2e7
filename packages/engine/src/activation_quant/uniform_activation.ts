// Uniform k-bit activations: x clipped to [lower, clip] (lower 0, or -clip when signed) and rounded
// to the nearest of the evenly spaced levels (step clip / positiveSteps; round half to even in TF.js
// and onnxruntime alike). The gradient to x passes straight through inside the range; the gradient
// to a learned clip is PACT's (Choi et al. 2018): 1 where x >= clip, -1 where a signed x <= -clip.
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationQuantizer } from './activation_quantizer';
import { positiveSteps } from './activation_quantization';

export const uniformActivation: ActivationQuantizer = {
  clipped: true,
  apply(x, clip, q) {
    const steps = positiveSteps(q);
    const quantize = tf.customGrad((input, range, save) => {
      const [xs, c] = [input as tf.Tensor, range as tf.Scalar];
      const lower = q.signed ? tf.neg(c) : tf.scalar(0);
      const step = tf.div(c, steps);
      const value = tf.mul(tf.round(tf.div(tf.minimum(tf.maximum(xs, lower), c), step)), step);
      (save as tf.GradSaveFunc)([xs, c, lower]);
      return {
        value,
        gradFunc: (dy, [saved, upper, low]) => {
          const inside = tf.cast(tf.logicalAnd(tf.greater(saved, low), tf.less(saved, upper)), 'float32');
          const above = tf.cast(tf.greaterEqual(saved, upper), 'float32');
          const outside = q.signed ? tf.sub(above, tf.cast(tf.lessEqual(saved, low), 'float32')) : above;
          return [tf.mul(dy, inside), tf.sum(tf.mul(dy, outside))];
        },
      };
    });
    return quantize(x, clip);
  },
  write(graph, x, range, q) {
    const clip = range!;
    const lower = q.signed ? graph.op('Neg', [clip]) : graph.scalar(0);
    const step = graph.op('Div', [clip, graph.scalar(positiveSteps(q))]);
    const value = graph.op('Mul', [graph.op('Round', [graph.op('Div', [graph.op('Clip', [x, lower, clip]), step])]), step]);
    const mask = (compare: string, bound: string) => graph.op('Cast', [graph.op(compare, [x, bound])], { to: 1 });
    return {
      value,
      backward: (g) => {
        const inside = graph.op('Mul', [mask('Greater', lower), mask('Less', clip)]);
        const above = mask('GreaterOrEqual', clip);
        const outside = q.signed ? graph.op('Sub', [above, mask('LessOrEqual', lower)]) : above;
        return { input: graph.op('Mul', [g, inside]), clip: graph.op('ReduceSum', [graph.op('Mul', [g, outside])], { keepdims: 0 }) };
      },
    };
  },
};
