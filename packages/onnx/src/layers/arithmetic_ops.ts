// The binary arithmetic ops of ONNX that the arithmetic layers compute, with broadcasting (Max
// and Min also stand for the two-input steps of their variadic forms).
import * as tf from '@tensorflow/tfjs-core';

export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min';

/** Each op's TF.js function (with broadcasting) and its ONNX op type. */
export const ARITHMETIC: Readonly<Record<ArithmeticOp, { apply: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor; onnx: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Max' | 'Min' }>> = {
  add: { apply: tf.add, onnx: 'Add' },
  sub: { apply: tf.sub, onnx: 'Sub' },
  mul: { apply: tf.mul, onnx: 'Mul' },
  div: { apply: tf.div, onnx: 'Div' },
  max: { apply: tf.maximum, onnx: 'Max' },
  min: { apply: tf.minimum, onnx: 'Min' },
};
