import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CompileError, compileForward, type ForwardSession } from '@sparse-ternary/engine';
import { NonFiniteOutputError } from './errors';
import { batches, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import { withQuantizedKernels, type LayerPolicy, type Masks, type Quantizer } from '@sparse-ternary/quantize-prune';
import { temperedSoftmax } from './distillation';

const allFinite = (t: tf.Tensor): boolean => tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0] === 1);

/** The first layer (in model order) whose output on `x` is not finite. */
function firstNonFiniteLayer(model: tfl.LayersModel, x: tf.Tensor): string {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const probe = tfl.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tfl.SymbolicTensor) });
  const outputs = [probe.predict(x)].flat() as tf.Tensor[];
  try {
    return layers[outputs.findIndex((o) => !allFinite(o))]?.name ?? model.layers[model.layers.length - 1].name;
  } finally {
    tf.dispose(outputs);
  }
}

/** Test-time augmentation: none, or the mean of the outputs on each image and on its mirror image (flipped left to right). */
export const TEST_TIME_AUGMENTATIONS = ['none', 'flip'] as const;
export type TestTimeAugmentation = (typeof TEST_TIME_AUGMENTATIONS)[number];

/** The model's outputs on a batch of images [N, H, W, C] (its probabilities where it ends in a softmax, else its logits), and those on their mirror images for 'flip'. */
type Outputs = (x: tf.Tensor) => Float32Array[];

/**
 * The outputs as the model's inference graph compiled into onnxruntime computes them (where it
 * compiles: evaluation without TF.js's kernel-by-kernel dispatch, several times faster on
 * convolutional networks), else as TF.js's predict does.
 */
function outputsOf(model: tfl.LayersModel, tta: TestTimeAugmentation): { outputs: Outputs; dispose: () => void } {
  const views = (x: tf.Tensor): Float32Array[] => {
    const images = x.dataSync() as Float32Array;
    return tta === 'flip' && x.rank === 4 ? [images, mirrored(images, x.shape as [number, number, number, number])] : [images];
  };
  let forward: ForwardSession | undefined;
  try {
    forward = compileForward(model);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
  }
  if (!forward) {
    return { outputs: (x) => tf.tidy(() => views(x).map((v) => (model.predict(tf.tensor(v, x.shape)) as tf.Tensor).dataSync() as Float32Array)), dispose: () => undefined };
  }
  const compiled = forward;
  return {
    outputs: (x) =>
      views(x).map((v) => {
        const logits = compiled.logits(v);
        return compiled.softmax ? temperedSoftmax(logits, compiled.classes, 1) : logits;
      }),
    dispose: () => compiled.dispose(),
  };
}

/** Images [N, H, W, C] flipped left to right. */
function mirrored(images: Float32Array, [n, h, w, c]: [number, number, number, number]): Float32Array {
  const out = new Float32Array(images.length);
  for (let row = 0; row < n * h; row++) {
    for (let x = 0; x < w; x++) out.set(images.subarray((row * w + x) * c, (row * w + x + 1) * c), (row * w + (w - 1 - x)) * c);
  }
  return out;
}

/**
 * Top-1 accuracy of the model as it is, over a labeled set, in batches (with test-time
 * augmentation when asked: the mean output on each image and its mirror image). Non-finite
 * outputs (whose argmax would count as class 0) are a NonFiniteOutputError naming the first layer
 * that made them.
 */
export function accuracy(model: tfl.LayersModel, set: LabeledImages, options: TensorOptions = {}, batchSize = 500, tta: TestTimeAugmentation = 'none'): number {
  const { outputs, dispose } = outputsOf(model, tta);
  const classes = set.numClasses;
  let correct = 0;
  try {
    for (const { x, y } of batches(set, { ...options, labels: 'int', batchSize, shuffle: false })) {
      const views = outputs(x);
      if (views.some((v) => v.some((value) => !Number.isFinite(value)))) throw new NonFiniteOutputError(firstNonFiniteLayer(model, x));
      const labels = y.dataSync();
      for (let n = 0; n < labels.length; n++) {
        let best = 0;
        let bestValue = -Infinity;
        for (let k = 0; k < classes; k++) {
          const value = views.reduce((sum, v) => sum + v[n * classes + k], 0);
          if (value > bestValue) [best, bestValue] = [k, value];
        }
        if (best === labels[n]) correct++;
      }
    }
  } finally {
    dispose();
  }
  return correct / set.count;
}

/**
 * Accuracy of the quantized network (the one that is deployed): q(W) is written into the kernels
 * for the evaluation and the float weights are restored after it.
 */
export function quantizedAccuracy(
  model: tfl.LayersModel,
  set: LabeledImages,
  quantizer: Quantizer,
  options: { masks?: Masks; policy?: LayerPolicy; tensors?: TensorOptions } = {},
): number {
  return withQuantizedKernels(model, quantizer, options, () => accuracy(model, set, options.tensors));
}
