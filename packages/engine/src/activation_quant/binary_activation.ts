// Binary activations: +1 where x >= 0, -1 below (ONNX's BipolarQuant, FINN's 1-bit activation),
// the gradient passing straight through where |x| <= 1 (the clipped straight-through estimator of
// BinaryNet, Hubara et al. 2016). The clip does not enter: the next layer's BatchNorm rescales.
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationQuantizer } from './activation_quantizer';

export const binaryActivation: ActivationQuantizer = {
  clipped: false,
  apply(x, clip) {
    const quantize = tf.customGrad((input, scale, save) => {
      const value = tf.tidy(() => tf.sub(tf.mul(tf.cast(tf.greaterEqual(input as tf.Tensor, 0), 'float32'), 2), 1));
      (save as tf.GradSaveFunc)([input as tf.Tensor]);
      return {
        value,
        gradFunc: (dy, [saved]) => [tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved), 1), 'float32')), tf.zerosLike(scale as tf.Tensor)],
      };
    });
    return quantize(x, clip);
  },
  write(graph, x) {
    const value = graph.op('Where', [graph.op('GreaterOrEqual', [x, graph.scalar(0)]), graph.scalar(1), graph.scalar(-1)]);
    return {
      value,
      backward: (g) => ({
        input: graph.op('Mul', [g, graph.op('Cast', [graph.op('LessOrEqual', [graph.op('Abs', [x]), graph.scalar(1)])], { to: 1 })]),
      }),
    };
  },
};
