// Quantized activations in every export: float and int8 run in onnxruntime with TF.js's outputs
// (the clip, then QuantizeLinear/DequantizeLinear, computing what training did); QONNX writes the
// nodes FINN's ConvertQONNXtoFINN reads, checked node by node, and our importer reads every format
// back with the model's outputs.
import { batchNormalization, initEngine, quantizedActivation, QuantizedActivation } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { exportOnnx, importOnnx, readOnnx, type WeightFormat } from './index';
import { QONNX_DOMAIN } from './proto';
import { checkWithOnnx } from './testing/onnx_checker';
import { maxAbsDifference } from './testing/onnx_fixtures';
import { PYTHON3_ONNX, testWith } from '../../../tools/testing/system_tools';

beforeAll(() => initEngine({ backend: 'ort' }));

/** Convolutions and dense layers with BatchNorm, then an unsigned 2-bit, a 4-bit, a ternary and a binary activation; seeded weights. */
function quantizedModel(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, useBias: false, name: 'conv' }),
      batchNormalization({ name: 'conv_bn' }),
      quantizedActivation({ bits: 2, signed: false, range: 'learned', clip: 1.7, name: 'act_u2' }),
      tfl.layers.conv2d({ filters: 4, kernelSize: 2, useBias: false, name: 'conv2' }),
      batchNormalization({ name: 'conv2_bn' }),
      quantizedActivation({ bits: 4, signed: false, range: 'fixed', clip: 2.3, name: 'act_u4' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 8, useBias: false, name: 'fc' }),
      batchNormalization({ name: 'fc_bn' }),
      quantizedActivation({ bits: 2, signed: true, range: 'fixed', clip: 0.9, name: 'act_s2' }),
      tfl.layers.dense({ units: 6, useBias: false, name: 'fc2' }),
      batchNormalization({ name: 'fc2_bn' }),
      quantizedActivation({ bits: 1, signed: true, range: 'fixed', clip: 1, name: 'act_b' }),
      tfl.layers.dense({ units: 3, name: 'classifier' }),
    ],
  });
  const r = seededRandom(4);
  model.setWeights(model.weights.map((w) => tf.tensor(Float32Array.from({ length: w.read().size }, () => (/variance/.test(w.name) ? 0.5 + r() : /clip/.test(w.name) ? 0.8 + r() : r() * 2 - 1)), w.shape as number[])));
  return model;
}

const COUNT = 64;
const images = () => {
  const r = seededRandom(11);
  return Float32Array.from({ length: COUNT * 72 }, () => r() * 2 - 1);
};
const predict = (model: tfl.LayersModel, x: Float32Array) => tf.tidy(() => (model.predict(tf.tensor(x, [COUNT, 6, 6, 2])) as tf.Tensor).dataSync() as Float32Array);
const nchw = (x: Float32Array) => tf.tidy(() => tf.transpose(tf.tensor(x, [COUNT, 6, 6, 2]), [0, 3, 1, 2]).dataSync() as Float32Array);

async function runOnnx(bytes: Uint8Array, x: Float32Array, graphOptimizationLevel: 'disabled' | 'all' = 'all'): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel });
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', nchw(x), [COUNT, 2, 6, 6]) });
  await session.release();
  return out[session.outputNames[0]].data as Float32Array;
}

let model: tfl.LayersModel;
let exported: Record<WeightFormat, Uint8Array>;
beforeAll(() => {
  model = quantizedModel();
  exported = Object.fromEntries((['float', 'int8', 'qonnx'] as WeightFormat[]).map((format) => [format, exportOnnx(model, { format }).bytes])) as Record<WeightFormat, Uint8Array>;
});

test("float: onnxruntime, with its default graph optimizations, gives the quantized model's outputs within 1e-5", async () => {
  const x = images();
  expect(maxAbsDifference(await runOnnx(exported.float, x), predict(model, x))).toBeLessThan(1e-5);
});

test("int8: onnxruntime computes the QuantizeLinear/DequantizeLinear pairs as training did (within 1e-5) where it does not fuse them into integer kernels", async () => {
  const x = images();
  expect(maxAbsDifference(await runOnnx(exported.int8, x, 'disabled'), predict(model, x))).toBeLessThan(1e-5);
});

test.each([
  ['float', [1]],
  ['int8', [8, 8, 8, 1]],
  ['qonnx', [2, 4, 2, 1]],
] as const)('%s: import reads the quantized activations back (bits %j), with the outputs within 1e-6', (format, bits) => {
  const x = images();
  const back = importOnnx(exported[format]).model;
  expect(back.layers.filter((l) => l instanceof QuantizedActivation).map((l) => (l as QuantizedActivation).quantization.bits)).toEqual(bits);
  expect(maxAbsDifference(predict(back, x), predict(model, x))).toBeLessThan(1e-6);
  back.dispose();
});

test('int8: each uniform activation is Clip, QuantizeLinear and DequantizeLinear with its step as scale; binary is Where(x >= 0, 1, -1)', () => {
  const graph = readOnnx(exported.int8);
  const act = model.getLayer('act_u2') as QuantizedActivation;
  const quantize = graph.nodes.find((n) => n.name === 'act_u2.quantize')!;
  expect(graph.nodes.find((n) => n.outputs[0] === quantize.inputs[0])!.opType).toBe('Clip');
  expect(graph.constants.get(quantize.inputs[1])!.values[0]).toBeCloseTo(act.clip() / 3, 6);
  expect(graph.nodes.find((n) => n.name === 'act_u2')!.opType).toBe('DequantizeLinear');
  expect(graph.nodes.find((n) => n.name === 'act_b')!.opType).toBe('Where');
});

test("QONNX: FINN's forms, node by node: Relu then Quant(unsigned, not narrow, zero point 0), a signed narrow Quant, BipolarQuant with scale 1", () => {
  const graph = readOnnx(exported.qonnx);
  const quantNode = (name: string) => graph.nodes.find((n) => n.name === name)!;
  const constant = (name: string) => Number(graph.constants.get(name)!.values[0]);
  const form = (name: string) => {
    const node = quantNode(name);
    const producer = graph.nodes.find((n) => n.outputs.includes(node.inputs[0]))!;
    return {
      op: node.opType,
      domain: node.domain,
      after: producer.opType,
      attributes: Object.fromEntries(node.attributes),
      parameters: node.inputs.slice(1).map(constant),
    };
  };
  const clip = (name: string) => (model.getLayer(name) as QuantizedActivation).clip();
  const scale = (name: string, steps: number) => Math.fround(clip(name) / steps);
  expect(form('act_u2')).toEqual({ op: 'Quant', domain: QONNX_DOMAIN, after: 'Relu', attributes: { signed: 0, narrow: 0, rounding_mode: 'ROUND' }, parameters: [scale('act_u2', 3), 0, 2] });
  expect(form('act_u4')).toEqual({ op: 'Quant', domain: QONNX_DOMAIN, after: 'Relu', attributes: { signed: 0, narrow: 0, rounding_mode: 'ROUND' }, parameters: [scale('act_u4', 15), 0, 4] });
  expect(form('act_s2')).toMatchObject({ op: 'Quant', domain: QONNX_DOMAIN, after: 'BatchNormalization', attributes: { signed: 1, narrow: 1, rounding_mode: 'ROUND' }, parameters: [scale('act_s2', 1), 0, 2] });
  expect(form('act_b')).toEqual({ op: 'BipolarQuant', domain: QONNX_DOMAIN, after: 'BatchNormalization', attributes: {}, parameters: [1] });
});

testWith(PYTHON3_ONNX)('every format with quantized activations passes onnx.checker.check_model', () => {
  expect(checkWithOnnx({ float: exported.float, int8: exported.int8, qonnx: exported.qonnx })).toBe('checked 3');
});
