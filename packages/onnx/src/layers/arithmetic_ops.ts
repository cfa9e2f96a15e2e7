// The four binary arithmetic ops of ONNX that the arithmetic layers compute, with broadcasting.
import * as tf from '@tensorflow/tfjs-core';

export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div';

/** Each op's TF.js function (with broadcasting) and its ONNX op type. */
export const ARITHMETIC: Readonly<Record<ArithmeticOp, { apply: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor; onnx: 'Add' | 'Sub' | 'Mul' | 'Div' }>> = {
  add: { apply: tf.add, onnx: 'Add' },
  sub: { apply: tf.sub, onnx: 'Sub' },
  mul: { apply: tf.mul, onnx: 'Mul' },
  div: { apply: tf.div, onnx: 'Div' },
};
