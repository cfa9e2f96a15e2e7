// a + b, a - b, a * b or a / b of two computed tensors with broadcasting: ONNX's Add, Sub, Mul and
// Div where the shapes differ, as in squeeze-and-excitation blocks ([N, C, 1, 1] * [N, C, H, W]).
// TF.js's add and multiply layers need equal shapes.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ARITHMETIC, type ArithmeticOp } from './arithmetic_ops';

export class BroadcastArithmetic extends tfl.layers.Layer {
  static className = 'SparseTernaryBroadcastArithmetic';
  readonly op: ArithmeticOp;

  constructor(args: { op: ArithmeticOp; name?: string }) {
    super({ name: args.name });
    this.op = args.op;
  }

  override computeOutputShape(inputShape: tfl.Shape[]): tfl.Shape {
    const [a, b] = inputShape;
    return a.map((d, i) => (d === 1 ? b[i] : d));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    return ARITHMETIC[this.op].apply(a, b);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op };
  }
}
tf.serialization.registerClass(BroadcastArithmetic);
