// Mean, maximum, minimum, sum or L2 norm over some axes of the stored tensor: ONNX's ReduceMean,
// ReduceMax, ReduceMin, ReduceSum and ReduceL2 (MnasNet's and EfficientNet's x.mean([2, 3])).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export type ReduceOp = 'mean' | 'max' | 'min' | 'sum' | 'l2';

/** Each reduction's TF.js function and its ONNX op type. */
export const REDUCTIONS: Readonly<Record<ReduceOp, { apply: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor; onnx: string }>> = {
  mean: { apply: (x, axes, keep) => tf.mean(x, axes, keep), onnx: 'ReduceMean' },
  max: { apply: (x, axes, keep) => tf.max(x, axes, keep), onnx: 'ReduceMax' },
  min: { apply: (x, axes, keep) => tf.min(x, axes, keep), onnx: 'ReduceMin' },
  sum: { apply: (x, axes, keep) => tf.sum(x, axes, keep), onnx: 'ReduceSum' },
  l2: { apply: (x, axes, keep) => tf.sqrt(tf.sum(tf.square(x), axes, keep)), onnx: 'ReduceL2' },
};

export interface ReduceArgs {
  op: ReduceOp;
  /** Axes of the stored tensor (never 0, the batch). */
  axes: number[];
  keepDims: boolean;
  name?: string;
}

export class Reduce extends tfl.layers.Layer {
  static className = 'SparseTernaryReduce';
  readonly op: ReduceOp;
  readonly axes: number[];
  readonly keepDims: boolean;

  constructor(args: ReduceArgs) {
    super({ name: args.name });
    this.op = args.op;
    this.axes = args.axes;
    this.keepDims = args.keepDims;
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    return this.keepDims ? inputShape.map((d, i) => (this.axes.includes(i) ? 1 : d)) : inputShape.filter((_, i) => !this.axes.includes(i));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => REDUCTIONS[this.op].apply(x, this.axes, this.keepDims));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op, axes: this.axes, keepDims: this.keepDims };
  }
}
tf.serialization.registerClass(Reduce);
