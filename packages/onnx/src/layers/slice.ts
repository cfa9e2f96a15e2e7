// A contiguous block of the stored tensor, all of the batch: ONNX's Slice (step 1) and Split on
// axes other than the batch, as ShuffleNet's channel split x.chunk(2, dim=1) exports.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface SliceArgs {
  /** Start of the block on each stored axis but the batch. */
  begin: number[];
  /** Length of the block on each stored axis but the batch. */
  size: number[];
  name?: string;
}

export class Slice extends tfl.layers.Layer {
  static className = 'SparseTernarySlice';
  readonly begin: number[];
  readonly size: number[];

  constructor(args: SliceArgs) {
    super({ name: args.name });
    this.begin = args.begin;
    this.size = args.size;
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    return [inputShape[0], ...this.size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.slice(x, [0, ...this.begin], [-1, ...this.size]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), begin: this.begin, size: this.size };
  }
}
tf.serialization.registerClass(Slice);
