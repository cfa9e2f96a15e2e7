// x + c, x - c, c - x, x * c, x / c or c / x with a stored constant: ONNX's Add, Sub, Mul and Div
// with one constant operand (normalization, scaling), which TF.js layers have no layer for.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ARITHMETIC, type ArithmeticOp } from './arithmetic_ops';

export interface ConstantArithmeticArgs {
  op: ArithmeticOp;
  /** Shape of the constant, broadcast against the input (batch axis included, usually 1). */
  constantShape: number[];
  /** c - x and c / x instead of x - c and x / c. */
  constantFirst?: boolean;
  name?: string;
}

export class ConstantArithmetic extends tfl.layers.Layer {
  static className = 'SparseTernaryConstantArithmetic';
  readonly op: ArithmeticOp;
  readonly constantShape: number[];
  readonly constantFirst: boolean;
  private constantWeight?: tfl.LayerVariable;

  constructor(args: ConstantArithmeticArgs) {
    super({ name: args.name });
    this.op = args.op;
    this.constantShape = args.constantShape;
    this.constantFirst = args.constantFirst ?? false;
  }

  override build(): void {
    this.constantWeight = this.addWeight('constant', this.constantShape, 'float32', tfl.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    const rank = Math.max(inputShape.length, this.constantShape.length);
    const padded = [...new Array(rank - inputShape.length).fill(1), ...inputShape];
    const constant = [...new Array(rank - this.constantShape.length).fill(1), ...this.constantShape];
    return padded.map((d, i) => (d === 1 ? constant[i] : d));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const c = this.constantWeight!.read();
      const [a, b] = this.constantFirst ? [c, x] : [x, c];
      return ARITHMETIC[this.op].apply(a, b);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op, constantShape: this.constantShape, constantFirst: this.constantFirst };
  }
}
tf.serialization.registerClass(ConstantArithmetic);
