import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '@sparse-ternary/engine';
import { cnv, lenet5, RebuildError } from '@sparse-ternary/models';
import { targetSparsityQuantizer, ternarizeModel, twnQuantizer } from '@sparse-ternary/quantize-prune';
import { compress } from './compress';
import { accuracy as accuracyOf } from './evaluate';
import { restoreBatchNormFrom } from './prepare_model';
import { mnistSubset } from './testing/mnist_subset';
import { restoreBatchNorm } from './restore_batch_norm';

beforeAll(() => initEngine({ backend: 'ort' }));

const CHANNEL_SCALES = [1, 0.01, 3, 0.2];

/** A kernel whose output channel c is scaled by CHANNEL_SCALES[c], as a folded BatchNorm leaves it. */
function foldedKernel(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), tf.tensor(CHANNEL_SCALES)));
}

/**
 * conv 3x3 (with bias) -> ReLU -> depthwise 3x3 -> add (residual) -> average pool -> dense: the
 * shape of a PyTorch export of a MobileNet block, BatchNorm folded into both convolutions.
 */
function foldedModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2] });
  const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' });
  const relu = tfl.layers.reLU({ name: 'relu' }).apply(conv.apply(input)) as tfl.SymbolicTensor;
  const depthwise = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'depthwise' });
  const sum = tfl.layers.add({ name: 'add' }).apply([relu, depthwise.apply(relu) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(sum);
  const dense = tfl.layers.dense({ units: 3, name: 'fc' });
  const model = tfl.model({ inputs: input, outputs: dense.apply(pooled) as tfl.SymbolicTensor });
  conv.setWeights([foldedKernel([3, 3, 2, 4], 1), tf.tensor([0.5, -1, 0.25, 2])]);
  depthwise.setWeights([tf.reshape(foldedKernel([3, 3, 4], 2), [3, 3, 4, 1])]);
  return model;
}

const images = () => tf.randomUniform([16, 6, 6, 2], -1, 1, 'float32', 3) as tf.Tensor4D;
const classes = (model: tfl.LayersModel) => model.layers.map((l) => l.getClassName());
const maxRelativeError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);

describe('restoreBatchNorm', () => {
  test('each convolution gets a BatchNorm after it, and the model computes what it did', () => {
    const folded = foldedModel();
    const { model, layers } = restoreBatchNorm(folded, images());
    expect(layers).toEqual(['conv', 'depthwise']);
    expect(classes(model)).toEqual(['InputLayer', 'Conv2D', 'FusedBatchNormalization', 'ReLU', 'DepthwiseConv2D', 'FusedBatchNormalization', 'Add', 'GlobalAveragePooling2D', 'Dense']);
    // The bias moved into the BatchNorm.
    expect(model.getLayer('conv').weights).toHaveLength(1);
    const x = tf.randomUniform([5, 6, 6, 2], -1, 1, 'float32', 4);
    expect(maxRelativeError(model.predict(x) as tf.Tensor, folded.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    // On the calibration images, training mode (batch statistics) computes the same as inference.
    expect(maxRelativeError(model.apply(images(), { training: true }) as tf.Tensor, folded.predict(images()) as tf.Tensor)).toBeLessThan(1e-4);
  });

  test("the kernels' output channels are rescaled to one magnitude and the moving statistics are those of the rescaled convolution", () => {
    const folded = foldedModel();
    const { model } = restoreBatchNorm(folded, images());
    const kernel = model.getLayer('conv').getWeights()[0];
    const magnitudes = Array.from(tf.mean(tf.reshape(tf.abs(kernel), [-1, 4]), 0).dataSync());
    const layerMean = tf.mean(tf.abs(folded.getLayer('conv').getWeights()[0])).dataSync()[0];
    for (const m of magnitudes) expect(m).toBeCloseTo(layerMean, 5);
    // The statistics of the rescaled convolution (without bias) on the calibration images, computed here.
    const probe = tfl.model({ inputs: model.inputs, outputs: model.getLayer('conv').output as tfl.SymbolicTensor });
    const { mean, variance } = tf.moments(probe.predict(images()) as tf.Tensor, [0, 1, 2]);
    const [, , movingMean, movingVariance] = model.getLayer('conv_bn').getWeights();
    Array.from(movingMean.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(mean.dataSync()[c], 4));
    Array.from(movingVariance.dataSync()).forEach((v, c) => expect(v / variance.dataSync()[c]).toBeCloseTo(1, 4));
    // Calibrated 3 images at a time (chunks of 3, 3, ... and 1), the statistics are the same.
    const [, , chunkedMean, chunkedVariance] = restoreBatchNorm(folded, images(), { chunk: 3 }).model.getLayer('conv_bn').getWeights();
    Array.from(chunkedMean.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(movingMean.dataSync()[c], 5));
    Array.from(chunkedVariance.dataSync()).forEach((v, c) => expect(v / movingVariance.dataSync()[c]).toBeCloseTo(1, 5));
  });

  test('ternarized, every channel keeps weights; without it the small channels are zeroed', () => {
    const survivingChannels = (model: tfl.LayersModel) => {
      ternarizeModel(model, twnQuantizer());
      const kernel = model.getLayer('conv').getWeights()[0];
      return Array.from(tf.sum(tf.cast(tf.reshape(tf.notEqual(kernel, 0), [-1, 4]), 'float32'), 0).dataSync()).filter((n) => n > 0).length;
    };
    expect(survivingChannels(foldedModel())).toBeLessThan(4);
    expect(survivingChannels(restoreBatchNorm(foldedModel(), images()).model)).toBe(4);
  });

  test('a model whose convolutions have their BatchNorm is returned as it is', () => {
    const input = tfl.input({ shape: [4, 4, 1] });
    const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.batchNormalization().apply(conv) as tfl.SymbolicTensor });
    expect(restoreBatchNorm(model, tf.zeros([2, 4, 4, 1]) as tf.Tensor4D)).toEqual({ model, layers: [] });
  });

  test('a layer used twice is a RebuildError naming it', () => {
    const input = tfl.input({ shape: [4, 4, 2] });
    const shared = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'shared_conv' });
    const twice = shared.apply(shared.apply(input)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: twice });
    expect(() => restoreBatchNorm(model, tf.zeros([2, 4, 4, 2]) as tf.Tensor4D)).toThrow(RebuildError);
    expect(() => restoreBatchNorm(model, tf.zeros([2, 4, 4, 2]) as tf.Tensor4D)).toThrow(/shared_conv/);
  });
});

describe('restoreBatchNormFrom', () => {
  test("the toolkit's own CNV (BatchNorm after every convolution) is left as it is", () => {
    const model = cnv({ widthMultiplier: 0.125, seed: 1 });
    const set = { images: new Uint8Array(4 * 32 * 32 * 3), labels: new Uint8Array(4), count: 4, imageShape: [32, 32, 3] as [number, number, number], numClasses: 10 };
    expect(restoreBatchNormFrom(model, set)).toEqual({ model, layers: [] });
  });

  test('LeNet-5 without BatchNorm gets it back from a sample of the training images; the old layers are disposed and a compression runs on it', async () => {
    const { train, test } = mnistSubset(300, 200);
    const folded = lenet5({ batchNorm: false, seed: 1, widthMultiplier: 0.25 });
    const before = accuracyOf(folded, test);
    const oldKernel = folded.getLayer(folded.layers.find((l) => l.getClassName() === 'Conv2D')!.name).weights[0];
    const { model, layers } = restoreBatchNormFrom(folded, train, { seed: 3 });
    expect(layers).toHaveLength(2);
    expect(() => oldKernel.read()).toThrow(/disposed/);
    expect(accuracyOf(model, test)).toBe(before);
    const { report } = await compress(model, train, { epochs: { stage1: 1, stage3: 1 }, batchSize: 50, learningRate: 3e-3, seed: 2, test, quantizer: targetSparsityQuantizer(0.8) });
    expect(report.layers.map((l) => l.name).filter((n) => /conv/.test(n))).toHaveLength(2);
    expect(report.sparsity).toBeGreaterThan(0.75);
  }, 120_000); // trains: room for a machine shared with other work
});
