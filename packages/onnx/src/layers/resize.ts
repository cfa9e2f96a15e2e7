// Spatial resizing of a stored [N, H, W, C] tensor, nearest or bilinear: ONNX's Resize and
// Upsample in the forms TF.js computes exactly (see import/ops/resize.ts).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface ResizeArgs {
  /** Output [height, width]. */
  size: [number, number];
  method: 'nearest' | 'bilinear';
  /** ONNX's coordinate transformation: TF.js's alignCorners and halfPixelCenters. */
  coordinates: 'asymmetric' | 'half_pixel' | 'align_corners';
  name?: string;
}

export class Resize extends tfl.layers.Layer {
  static className = 'SparseTernaryResize';
  readonly size: [number, number];
  readonly method: ResizeArgs['method'];
  readonly coordinates: ResizeArgs['coordinates'];

  constructor(args: ResizeArgs) {
    super({ name: args.name });
    this.size = args.size;
    this.method = args.method;
    this.coordinates = args.coordinates;
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    return [inputShape[0], this.size[0], this.size[1], inputShape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const alignCorners = this.coordinates === 'align_corners';
    const halfPixelCenters = this.coordinates === 'half_pixel';
    return this.method === 'nearest'
      ? tf.image.resizeNearestNeighbor(x, this.size, alignCorners, halfPixelCenters)
      : tf.image.resizeBilinear(x, this.size, alignCorners, halfPixelCenters);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, method: this.method, coordinates: this.coordinates };
  }
}
tf.serialization.registerClass(Resize);
