// Export: ternary models as standard ONNX (float and int8 + DequantizeLinear), run by onnxruntime
// with the outputs TF.js computes; QONNX for FINN; metadata; the imported interface kept; round trips.
import { initEngine } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import { buildModel } from '@sparse-ternary/models';
import { binaryQuantizer, ternarizeModel, twnQuantizer, type Quantizer } from '@sparse-ternary/quantize-prune';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExportError, exportOnnx, importOnnx, readOnnx, saveOnnx, type WeightFormat } from './index';
import { NCHW, transposeFloats } from './layout';
import { QONNX_DOMAIN } from './proto';
import { quant } from './qonnx_quant';
import { checkWithOnnx } from './testing/onnx_checker';
import { maxAbsDifference } from './testing/onnx_fixtures';
import { referenceModel, REFERENCE_MODELS, sliceImages } from './testing/reference_models';
import { PYTHON3_ONNX, testWith } from '../../../tools/testing/system_tools';

const FORMATS: WeightFormat[] = ['float', 'int8', 'qonnx'];

beforeAll(() => initEngine({ backend: 'ort' }));

/** onnxruntime with its default (full) graph optimizations, as a user runs the file. */
async function runOnnx(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)])));
  await session.release();
  return out[session.outputNames[0]].data as Float32Array;
}

const predict = (model: tfl.LayersModel, nhwc: Float32Array, shape: number[]) => tf.tidy(() => (model.predict(tf.tensor(nhwc, shape)) as tf.Tensor).dataSync() as Float32Array);

describe.each(REFERENCE_MODELS)('a ternarized %s imported from PyTorch', (name) => {
  let model: tfl.LayersModel;
  let deltas: { name: string; delta: number; alpha: number; sparsity: number; size: number }[];
  const exported: Partial<Record<WeightFormat, Uint8Array>> = {};

  beforeAll(() => {
    model = importOnnx(referenceModel(name)).model;
    deltas = ternarizeModel(model, twnQuantizer()).layers;
    for (const format of FORMATS) exported[format] = exportOnnx(model, { format, method: 'twn', layers: deltas }).bytes;
  });

  test.each(['float', 'int8'] as const)('%s export runs in onnxruntime and matches TF.js within 1e-5 on 256 test images', async (format) => {
    const images = sliceImages(256);
    const expected = predict(model, images, [256, 28, 28, 1]);
    const actual = await runOnnx(exported[format]!, { input: { data: images, dims: [256, 1, 28, 28] } });
    expect(actual.length).toBe(expected.length);
    expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-5);
  });

  test('keeps the input and output names and the NCHW layout', () => {
    for (const format of FORMATS) {
      const graph = readOnnx(exported[format]!);
      expect(graph.inputs).toEqual([{ name: 'input', dims: ['batch', 1, 28, 28], elemType: 1 }]);
      expect(graph.outputs.map((o) => [o.name, o.dims])).toEqual([['logits', ['batch', 10]]]);
      expect(graph.opset).toBe(13);
    }
  });

  test('float weights are exactly {-alpha, 0, +alpha} per layer; int8 ones are {-1, 0, 1} and several times smaller on disk', () => {
    const float = readOnnx(exported.float!);
    const int8 = readOnnx(exported.int8!);
    const weights = [...float.constants].filter(([key]) => key.endsWith('.weight'));
    expect(weights).toHaveLength(deltas.length);
    weights.forEach(([key, tensor], i) => {
      expect(new Set(Array.from(tensor.values, Math.abs))).toEqual(new Set([0, Math.fround(deltas[i].alpha)]));
      expect(new Set(int8.constants.get(`${key}.int8`)!.values)).toEqual(new Set([-1, 0, 1]));
      expect(int8.constants.get(`${key}.scale`)!.values[0]).toBe(Math.fround(deltas[i].alpha));
    });
    expect(exported.int8!.length * 3).toBeLessThan(exported.float!.length);
  });

  test('QONNX: each weight passes through a 2-bit signed narrow Quant with scale alpha, which holds it exactly', () => {
    const graph = readOnnx(exported.qonnx!);
    const quants = graph.nodes.filter((n) => n.opType === 'Quant');
    expect(quants).toHaveLength(deltas.length);
    quants.forEach((node, i) => {
      expect(node.domain).toBe(QONNX_DOMAIN);
      expect(Object.fromEntries(node.attributes)).toEqual({ signed: 1, narrow: 1, rounding_mode: 'ROUND' });
      const [weight, scale, zero, bits] = node.inputs.map((input) => graph.constants.get(input)!);
      expect([scale.values[0], zero.values[0], bits.values[0]]).toEqual([Math.fround(deltas[i].alpha), 0, 2]);
      const dequantized = quant(weight.values, scale.values[0], 0, 2, { signed: true, narrow: true, roundingMode: 'ROUND' });
      expect(maxAbsDifference(dequantized, weight.values)).toBe(0);
      expect(new Set(dequantized)).toEqual(new Set([-scale.values[0], 0, scale.values[0]]));
    });
  });

  test('QONNX with IntQuant (the current spec\'s name): the same node under the new op, and import reads it back', () => {
    const { bytes } = exportOnnx(model, { format: 'qonnx', qonnxQuantOp: 'IntQuant' });
    const graph = readOnnx(bytes);
    expect(graph.nodes.filter((n) => n.opType === 'Quant')).toHaveLength(0);
    const intQuants = graph.nodes.filter((n) => n.opType === 'IntQuant');
    expect(intQuants).toHaveLength(deltas.length);
    expect(Object.fromEntries(intQuants[0].attributes)).toEqual({ signed: 1, narrow: 1, rounding_mode: 'ROUND' });
    const images = sliceImages(16);
    const back = importOnnx(bytes).model;
    expect(maxAbsDifference(predict(back, images, [16, 28, 28, 1]), predict(model, images, [16, 28, 28, 1]))).toBeLessThan(1e-6);
    back.dispose();
  });

  test('metadata_props record the method, per layer sparsity, alpha and Delta, and the hardware cost', () => {
    const metadata = readOnnx(exported.int8!).metadata;
    const cost = JSON.parse(metadata.get('sparse_ternary.hardware_cost')!);
    expect(cost.weights).toBe(deltas.reduce((n, l) => n + l.size, 0));
    expect(cost.sparsity).toBeCloseTo(deltas.reduce((n, l) => n + l.sparsity * l.size, 0) / cost.weights, 6);
    expect(cost.kernelBytes.binary).toBe(Math.ceil((cost.weights + 32 * deltas.length) / 8)); // one 32-bit alpha per layer
    expect(Object.keys(cost.fpga)).toEqual(['binary', 'ternary', 'sparse-ternary']);
    expect(metadata.get('sparse_ternary.method')).toBe('twn');
    expect(metadata.get('sparse_ternary.format')).toBe('int8');
    const layers = JSON.parse(metadata.get('sparse_ternary.layers')!);
    expect(layers.map((l: { levels: string }) => l.levels)).toEqual(deltas.map(() => 'ternary'));
    layers.forEach((l: { sparsity: number; alpha: number; delta: number }, i: number) => {
      expect(l.sparsity).toBeCloseTo(deltas[i].sparsity, 10);
      expect(l.alpha).toBe(deltas[i].alpha);
      expect(l.delta).toBe(deltas[i].delta);
    });
  });

  testWith(PYTHON3_ONNX)('every format passes onnx.checker.check_model', () => {
    expect(checkWithOnnx({ [`${name}-float`]: exported.float!, [`${name}-int8`]: exported.int8!, [`${name}-qonnx`]: exported.qonnx! })).toBe('checked 3');
  });

  test.each(FORMATS)('round trip: import(export(m)) gives the outputs of m (%s)', (format) => {
    const images = sliceImages(64);
    const back = importOnnx(exported[format]!).model;
    expect(maxAbsDifference(predict(back, images, [64, 28, 28, 1]), predict(model, images, [64, 28, 28, 1]))).toBeLessThan(1e-6);
    back.dispose();
  });
});

describe('export of models built in TF.js', () => {
  // Every topology of @sparse-ternary/models, with random BatchNorm statistics, ternarized, as int8 ONNX.
  test.each(['tfc', 'lenet5', 'cnv', 'vgg7'] as const)('%s runs in onnxruntime with the outputs of TF.js', async (topology) => {
    const model = buildModel(topology, { widthMultiplier: 0.125, dropout: topology === 'tfc' ? 0.2 : 0, seed: 1 });
    const random = seededRandom(3);
    const variances = model.weights.map((w) => w.name.includes('variance'));
    model.setWeights(model.getWeights().map((w, i) => tf.tensor(Float32Array.from({ length: w.size }, () => (variances[i] ? 0.5 : -0.5) + random()), w.shape)));
    ternarizeModel(model, twnQuantizer());
    const { bytes, layers } = exportOnnx(model, { format: 'int8' });
    expect(layers.every((l) => l.levels === 'ternary' || l.levels === 'binary')).toBe(true);
    const [height, width, channels] = model.inputs[0].shape.slice(1) as number[];
    const nhwc = Float32Array.from({ length: 4 * height * width * channels }, () => random());
    const nchw = transposeFloats(nhwc, [4, height, width, channels], NCHW);
    const input = readOnnx(bytes).inputs[0].name;
    const actual = await runOnnx(bytes, { [input]: { data: nchw, dims: [4, channels, height, width] } });
    expect(maxAbsDifference(actual, predict(model, nhwc, [4, height, width, channels]))).toBeLessThan(1e-5);
    // Probabilities away from 0 and 1, so that the comparison sees the logits.
    expect(actual.some((p) => p > 0.01 && p < 0.99)).toBe(true);
  });

  test.each([
    [3, 2, 'same'],
    [4, 2, 'same'],
    [1, 2, 'same'],
    [3, 2, 'valid'],
  ] as const)('a Conv2DTranspose (kernel %i, stride %i, %s), ternarized, runs in onnxruntime with the outputs of TF.js', async (kernelSize, strides, padding) => {
    const input = tfl.input({ shape: [5, 4, 3] });
    const up = tfl.layers.conv2dTranspose({ filters: 2, kernelSize, strides, padding, activation: 'relu', biasInitializer: 'ones' }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: up });
    ternarizeModel(model, twnQuantizer());
    const { bytes, layers } = exportOnnx(model, { format: 'int8' });
    expect(layers.map((l) => l.levels)).toEqual(['ternary']);
    const random = seededRandom(5);
    const nhwc = Float32Array.from({ length: 2 * 5 * 4 * 3 }, () => random() - 0.5);
    const actual = await runOnnx(bytes, { [readOnnx(bytes).inputs[0].name]: { data: transposeFloats(nhwc, [2, 5, 4, 3], NCHW), dims: [2, 3, 5, 4] } });
    const expected = tf.tidy(() => tf.transpose(model.predict(tf.tensor(nhwc, [2, 5, 4, 3])) as tf.Tensor, [0, 3, 1, 2]).dataSync());
    expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-5);
  });

  describe('a scale per output channel (convolution, depthwise, transposed convolution and dense kernels)', () => {
    const channelModel = (quantizer: Quantizer) => {
      const input = tfl.input({ shape: [6, 6, 3] });
      let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
      x = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
      const output = tfl.layers.dense({ units: 5 }).apply(tfl.layers.flatten().apply(x) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: input, outputs: output });
      const random = seededRandom(7);
      model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => random() * 2 - 1), w.shape)));
      ternarizeModel(model, quantizer);
      return model;
    };
    const random = seededRandom(8);
    const nhwc = Float32Array.from({ length: 2 * 6 * 6 * 3 }, () => random() * 2 - 1);
    const inputOf = (bytes: Uint8Array) => ({ [readOnnx(bytes).inputs[0].name]: { data: transposeFloats(nhwc, [2, 6, 6, 3], NCHW), dims: [2, 3, 6, 6] } });

    test.each([
      ['ternary', () => twnQuantizer(0.7, 'channel')],
      ['binary', () => binaryQuantizer('channel')],
    ] as const)('%s: every format runs in onnxruntime with the outputs of TF.js (1e-5 relative) and imports back (1e-6); int8 scales along the channel axis, QONNX scale tensors broadcast along it', async (levels, quantizer) => {
      const model = channelModel(quantizer());
      const expected = predict(model, nhwc, [2, 6, 6, 3]);
      // Outputs in the tens (no normalization between the layers): 1e-5 relative to them.
      const tolerance = 1e-5 * Math.max(...Array.from(expected, Math.abs));
      expect(tolerance).toBeGreaterThan(1e-5);
      for (const format of FORMATS) {
        const { bytes, layers } = exportOnnx(model, { format });
        expect(layers.map((l) => [l.levels, l.scales])).toEqual([
          [levels, 4],
          [levels, 4],
          [levels, 3],
          [levels, 5],
        ]);
        if (format !== 'qonnx') expect(maxAbsDifference(await runOnnx(bytes, inputOf(bytes)), expected)).toBeLessThan(tolerance);
        const back = importOnnx(bytes).model;
        expect(maxAbsDifference(predict(back, nhwc, [2, 6, 6, 3]), expected)).toBeLessThan(tolerance / 10);
        back.dispose();
        const graph = readOnnx(bytes);
        if (format === 'int8') {
          const dequantize = graph.nodes.filter((n) => n.opType === 'DequantizeLinear');
          expect(dequantize.map((n) => [Object.fromEntries(n.attributes).axis, graph.constants.get(n.inputs[1])!.dims])).toEqual([
            [0, [4]],
            [0, [4]],
            [1, [3]],
            [0, [5]],
          ]);
        }
        if (format === 'qonnx') {
          const quants = graph.nodes.filter((n) => n.opType === (levels === 'binary' ? 'BipolarQuant' : 'Quant'));
          expect(quants.map((n) => graph.constants.get(n.inputs[1])!.dims)).toEqual([
            [4, 1, 1, 1],
            [4, 1, 1, 1],
            [1, 3, 1, 1],
            [5, 1],
          ]);
        }
      }
    });

    testWith(PYTHON3_ONNX)('per-channel int8 and QONNX exports pass onnx.checker.check_model', () => {
      const model = channelModel(twnQuantizer(0.7, 'channel'));
      expect(checkWithOnnx({ 'channel-int8': exportOnnx(model, { format: 'int8' }).bytes, 'channel-qonnx': exportOnnx(model, { format: 'qonnx' }).bytes })).toBe('checked 2');
    });
  });

  test('binary kernels become QONNX BipolarQuant nodes', () => {
    const input = tfl.input({ shape: [6] });
    const output = tfl.layers.dense({ units: 3, useBias: false }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    ternarizeModel(model, binaryQuantizer());
    const { bytes, layers } = exportOnnx(model, { format: 'qonnx' });
    expect(layers.map((l) => [l.levels, l.sparsity])).toEqual([['binary', 0]]);
    const graph = readOnnx(bytes);
    const node = graph.nodes.find((n) => n.opType === 'BipolarQuant')!;
    expect(node.domain).toBe(QONNX_DOMAIN);
    expect(graph.constants.get(node.inputs[1])!.values[0]).toBe(Math.fround(layers[0].alpha));
  });

  testWith(PYTHON3_ONNX)('a binary QONNX model passes onnx.checker.check_model', () => {
    const input = tfl.input({ shape: [6] });
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 3, useBias: false }).apply(input) as tfl.SymbolicTensor });
    ternarizeModel(model, binaryQuantizer());
    expect(checkWithOnnx({ binary: exportOnnx(model, { format: 'qonnx' }).bytes })).toBe('checked 1');
  });

  test('an NHWC model stays NHWC: a leading Transpose, and onnxruntime matches TF.js', async () => {
    const input = tfl.input({ shape: [6, 6, 2], name: 'image' });
    const conv = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    const output = tfl.layers.dense({ units: 4 }).apply(tfl.layers.flatten().apply(conv) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    const { bytes } = exportOnnx(model, { inputLayout: 'NHWC' });
    const graph = readOnnx(bytes);
    expect(graph.inputs[0]).toEqual({ name: 'image', dims: ['batch', 6, 6, 2], elemType: 1 });
    expect(graph.nodes[0].opType).toBe('Transpose');
    const data = Float32Array.from({ length: 2 * 72 }, (_, i) => Math.sin(i));
    expect(maxAbsDifference(await runOnnx(bytes, { image: { data, dims: [2, 6, 6, 2] } }), predict(model, data, [2, 6, 6, 2]))).toBeLessThan(1e-5);
    expect(importOnnx(bytes).signature.inputs[0].layout).toBe('NHWC');
  });

  test('an unsupported layer is named', () => {
    const input = tfl.input({ shape: [4] });
    const model = tfl.model({ inputs: input, outputs: tfl.layers.repeatVector({ n: 2 }).apply(input) as tfl.SymbolicTensor });
    expect(() => exportOnnx(model)).toThrow(new ExportError('RepeatVector layers have no ONNX export', model.layers[1].name));
  });

  test('saveOnnx writes atomically and names an unwritable path', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'export-'));
    try {
      const input = tfl.input({ shape: [3] });
      const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor });
      const file = path.join(dir, 'model.onnx');
      const { bytes } = saveOnnx(model, file);
      expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
      expect(readdirSync(dir)).toEqual(['model.onnx']);
      expect(() => saveOnnx(model, path.join(dir, 'missing', 'model.onnx'))).toThrow(/cannot write .*missing\/model\.onnx/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
