// Spatial padding of a channels-last tensor with any constant: ONNX Pad with a value, and the
// explicit pads of MaxPool (padded with the lowest float, so padding never wins the max).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface ConstantPaddingArgs {
  /** [[top, bottom], [left, right]] */
  padding: [[number, number], [number, number]];
  value: number;
  name?: string;
}

export const LOWEST_FLOAT32 = -3.4028234663852886e38;

export class ConstantPadding2D extends tfl.layers.Layer {
  static className = 'SparseTernaryConstantPadding2D';
  readonly padding: [[number, number], [number, number]];
  readonly value: number;

  constructor(args: ConstantPaddingArgs) {
    super({ name: args.name });
    this.padding = args.padding;
    this.value = args.value;
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    const [n, h, w, c] = inputShape;
    const [[top, bottom], [left, right]] = this.padding;
    return [n, h === null ? null : h + top + bottom, w === null ? null : w + left + right, c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.pad(x, [[0, 0], ...this.padding, [0, 0]], this.value);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding, value: this.value };
  }
}
tf.serialization.registerClass(ConstantPadding2D);
