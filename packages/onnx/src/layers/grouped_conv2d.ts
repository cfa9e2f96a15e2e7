// A 2D convolution whose channels are split into groups, each convolved with its own filters:
// ONNX's Conv with 1 < group < channels (ResNeXt, RegNet). TF.js's conv2d has no groups. The kernel
// is one weight named `kernel`, [kh, kw, in/groups, filters] (filters grouped in order), so
// quantizers and pruning treat it like any convolution's.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface GroupedConv2DArgs {
  filters: number;
  groups: number;
  kernelSize: [number, number];
  strides: [number, number];
  dilationRate: [number, number];
  padding: 'valid' | 'same';
  useBias: boolean;
  name?: string;
}

export class GroupedConv2D extends tfl.layers.Layer {
  static className = 'SparseTernaryGroupedConv2D';
  readonly args: GroupedConv2DArgs;
  private kernel?: tfl.LayerVariable;
  private bias?: tfl.LayerVariable;

  constructor(args: GroupedConv2DArgs) {
    super({ name: args.name });
    this.args = args;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const { kernelSize, groups, filters, useBias } = this.args;
    this.kernel = this.addWeight('kernel', [...kernelSize, (shape[3] as number) / groups, filters], 'float32', tfl.initializers.zeros());
    if (useBias) this.bias = this.addWeight('bias', [filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    const { kernelSize, strides, dilationRate, padding, filters } = this.args;
    const spatial = [1, 2].map((axis, i) => {
      const size = inputShape[axis] as number;
      const extent = (kernelSize[i] - 1) * dilationRate[i] + 1;
      return padding === 'same' ? Math.ceil(size / strides[i]) : Math.floor((size - extent) / strides[i]) + 1;
    });
    return [inputShape[0], ...spatial, filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const { groups, strides, dilationRate, padding } = this.args;
    return tf.tidy(() => {
      const parts = tf.split(x, groups, 3);
      const kernels = tf.split(this.kernel!.read() as tf.Tensor4D, groups, 3);
      const y = tf.concat(parts.map((part, i) => tf.conv2d(part as tf.Tensor4D, kernels[i] as tf.Tensor4D, strides, padding, 'NHWC', dilationRate)), 3);
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _name, ...args } = this.args;
    return { ...super.getConfig(), ...args, dataFormat: 'channelsLast', activation: 'linear' };
  }
}
tf.serialization.registerClass(GroupedConv2D);
