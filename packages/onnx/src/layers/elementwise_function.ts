// ONNX activations that TF.js layers lack or only have with fixed parameters: Clip with any
// bounds, HardSigmoid with any slope and offset, HardSwish, Elu with any alpha, and LogSoftmax.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export type ElementwiseFunctionArgs =
  | { fn: 'clip'; min: number; max: number; name?: string }
  | { fn: 'hardSigmoid'; alpha: number; beta: number; name?: string }
  | { fn: 'elu'; alpha: number; name?: string }
  | { fn: 'hardSwish'; name?: string }
  | { fn: 'logSoftmax'; name?: string };

export class ElementwiseFunction extends tfl.layers.Layer {
  static className = 'SparseTernaryElementwiseFunction';
  readonly args: ElementwiseFunctionArgs;

  constructor(args: ElementwiseFunctionArgs) {
    super({ name: args.name });
    this.args = args;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const args = this.args;
      if (args.fn === 'clip') return tf.clipByValue(x, args.min, args.max);
      if (args.fn === 'hardSigmoid') return tf.clipByValue(tf.add(tf.mul(x, args.alpha), args.beta), 0, 1);
      if (args.fn === 'hardSwish') return tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1));
      if (args.fn === 'elu') return tf.where(tf.greater(x, 0), x, tf.mul(tf.expm1(x), args.alpha));
      return tf.logSoftmax(x);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _name, ...args } = this.args;
    return { ...super.getConfig(), ...args };
  }
}
tf.serialization.registerClass(ElementwiseFunction);
