// Elementwise math of one tensor that TF.js layers have no layer for: ONNX's Sqrt, Exp, Log, Neg,
// Abs, Erf and Reciprocal, Pow with a constant exponent (the pieces of LayerNorm and GELU
// decompositions), Round (half to even in both: a float export's quantized activation), and Gelu
// (opset 20) in its exact and tanh forms.
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
  Round: (x) => tf.round(x),
  Pow: (x, exponent) => tf.pow(x, exponent),
  Gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1)),
  // Gelu with approximate = 'tanh': 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
  GeluTanh: (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI))), 1)),
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
