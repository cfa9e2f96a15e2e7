// Elementwise math of one tensor that TF.js layers have no layer for: ONNX's Sqrt, Exp, Log, Neg,
// Abs, Erf and Reciprocal, and Pow with a constant exponent (the pieces of LayerNorm and GELU
// decompositions).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Each ONNX op and its TF.js function; `exponent` is Pow's. */
export const UNARY_MATH: Readonly<Record<string, (x: tf.Tensor, exponent: number) => tf.Tensor>> = {
  Sqrt: (x) => tf.sqrt(x),
  Exp: (x) => tf.exp(x),
  Log: (x) => tf.log(x),
  Neg: (x) => tf.neg(x),
  Abs: (x) => tf.abs(x),
  Erf: (x) => tf.erf(x),
  Reciprocal: (x) => tf.reciprocal(x),
  Pow: (x, exponent) => tf.pow(x, exponent),
};

export class UnaryMath extends tfl.layers.Layer {
  static className = 'SparseTernaryUnaryMath';
  readonly op: string;
  readonly exponent: number;

  constructor(args: { op: string; exponent?: number; name?: string }) {
    super({ name: args.name });
    this.op = args.op;
    this.exponent = args.exponent ?? 1;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => UNARY_MATH[this.op](x, this.exponent));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op, exponent: this.exponent };
  }
}
tf.serialization.registerClass(UnaryMath);
