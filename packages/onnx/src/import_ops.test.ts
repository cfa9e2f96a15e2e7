// Each op the importer converts, against onnxruntime running the same ONNX file.
import { float, type GraphBuilder } from '@sparse-ternary/engine';
import { initEngine } from '@sparse-ternary/engine';
import { exportOnnx, importOnnx } from './index';
import { maxAbsDifference, randomFloats, runImported, runOrt, singleInputModel, type WeightMaker } from './testing/onnx_fixtures';

beforeAll(() => initEngine({ backend: 'cpu' }));

interface OpCase {
  name: string;
  shape: number[];
  body: (b: GraphBuilder, x: string, w: WeightMaker) => string;
  opset?: number;
}

const conv = (b: GraphBuilder, x: string, w: WeightMaker, out: number, inC: number, k: number, attrs = {}, bias = true) =>
  b.op('Conv', [x, w([out, inC, k, k]), ...(bias ? [w([out])] : [])], attrs);

const CASES: OpCase[] = [
  { name: 'Gemm transB=1 with bias [units]', shape: [3, 5], body: (b, x, w) => b.op('Gemm', [x, w([4, 5]), w([4])], { transB: 1 }) },
  { name: 'Gemm transB=0, alpha and beta, bias [1, units]', shape: [3, 5], body: (b, x, w) => b.op('Gemm', [x, w([5, 4]), w([1, 4])], { alpha: float(0.5), beta: float(2) }) },
  { name: 'Gemm with a scalar bias', shape: [3, 5], body: (b, x, w) => b.op('Gemm', [x, w([4, 5]), w([])], { transB: 1 }) },
  { name: 'Gemm without bias', shape: [3, 5], body: (b, x, w) => b.op('Gemm', [x, w([5, 4])]) },
  { name: 'MatMul + Add', shape: [3, 5], body: (b, x, w) => b.op('Add', [b.op('MatMul', [x, w([5, 4])]), w([4])]) },
  { name: 'MatMul alone', shape: [3, 5], body: (b, x, w) => b.op('MatMul', [x, w([5, 4])]) },
  { name: 'Conv, no padding', shape: [2, 3, 7, 7], body: (b, x, w) => conv(b, x, w, 4, 3, 3) },
  { name: 'Conv, symmetric pads (same)', shape: [2, 3, 7, 7], body: (b, x, w) => conv(b, x, w, 4, 3, 3, { pads: [1, 1, 1, 1] }) },
  { name: 'Conv, asymmetric pads and stride 2', shape: [2, 3, 8, 7], body: (b, x, w) => conv(b, x, w, 4, 3, 3, { pads: [0, 2, 1, 0], strides: [2, 2] }) },
  { name: 'Conv, auto_pad SAME_UPPER, stride 2', shape: [2, 3, 8, 8], body: (b, x, w) => conv(b, x, w, 4, 3, 4, { auto_pad: 'SAME_UPPER', strides: [2, 2] }) },
  { name: 'Conv, auto_pad SAME_LOWER, stride 2', shape: [2, 3, 8, 8], body: (b, x, w) => conv(b, x, w, 4, 3, 4, { auto_pad: 'SAME_LOWER', strides: [2, 2] }) },
  { name: 'Conv, auto_pad VALID, dilation 2, no bias', shape: [2, 3, 9, 9], body: (b, x, w) => conv(b, x, w, 4, 3, 3, { auto_pad: 'VALID', dilations: [2, 2] }, false) },
  { name: 'ConvTranspose k4 s2 p1 (a 2x upsampling decoder)', shape: [2, 3, 5, 4], body: (b, x, w) => b.op('ConvTranspose', [x, w([3, 4, 4, 4]), w([4])], { strides: [2, 2], pads: [1, 1, 1, 1] }) },
  { name: 'ConvTranspose k3 s2 p1 output_padding 1, no bias', shape: [2, 3, 5, 5], body: (b, x, w) => b.op('ConvTranspose', [x, w([3, 2, 3, 3])], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }) },
  { name: 'ConvTranspose k2 s2, no pads, asymmetric kernel', shape: [2, 2, 3, 4], body: (b, x, w) => b.op('ConvTranspose', [x, w([2, 3, 2, 3]), w([3])], { strides: [2, 2], kernel_shape: [2, 3] }) },
  { name: 'depthwise Conv (group = channels, multiplier 2)', shape: [2, 3, 6, 6], body: (b, x, w) => b.op('Conv', [x, w([6, 1, 3, 3]), w([6])], { group: 3, pads: [1, 1, 1, 1] }) },
  { name: 'grouped Conv (group 2: 4 -> 6 channels)', shape: [2, 4, 6, 6], body: (b, x, w) => b.op('Conv', [x, w([6, 2, 3, 3]), w([6])], { group: 2, pads: [1, 1, 1, 1] }) },
  { name: 'grouped Conv (group 3, stride 2, no bias)', shape: [2, 6, 7, 7], body: (b, x, w) => b.op('Conv', [x, w([3, 2, 3, 3])], { group: 3, strides: [2, 2] }) },
  { name: 'BatchNormalization on [N, C, H, W]', shape: [2, 3, 4, 4], body: (b, x, w) => b.op('BatchNormalization', [x, w([3]), w([3]), w([3]), w([3], [0.5, 1, 2])], { epsilon: float(1e-3) }) },
  { name: 'BatchNormalization on [N, C]', shape: [4, 3], body: (b, x, w) => b.op('BatchNormalization', [x, w([3]), w([3]), w([3]), w([3], [0.5, 1, 2])]) },
  { name: 'Relu, Sigmoid, Tanh', shape: [2, 3, 4, 4], body: (b, x) => b.op('Tanh', [b.op('Sigmoid', [b.op('Relu', [x])])]) },
  { name: 'LeakyRelu', shape: [2, 6], body: (b, x) => b.op('LeakyRelu', [x], { alpha: float(0.2) }) },
  { name: 'PRelu with a per-channel slope [C, 1, 1]', shape: [2, 3, 4, 4], body: (b, x, w) => b.op('PRelu', [x, w([3, 1, 1])]) },
  { name: 'PRelu with a full slope [C, H, W]', shape: [2, 3, 2, 2], body: (b, x, w) => b.op('PRelu', [x, w([3, 2, 2])]) },
  { name: 'Clip to [0, 0.3] (ReLU with a maximum)', shape: [2, 6], body: (b, x, w) => b.op('Clip', [x, w([], [0]), w([], [0.3])]) },
  { name: 'Clip to [-0.2, 0.4]', shape: [2, 6], body: (b, x, w) => b.op('Clip', [x, w([], [-0.2]), w([], [0.4])]) },
  { name: 'Clip with only a minimum', shape: [2, 6], body: (b, x, w) => b.op('Clip', [x, w([], [-0.2])]) },
  { name: 'HardSigmoid with alpha 0.3, beta 0.4', shape: [2, 6], body: (b, x) => b.op('HardSigmoid', [b.op('Mul', [x, b.constFloat([4], [])])], { alpha: float(0.3), beta: float(0.4) }) },
  { name: 'HardSwish (opset 14)', opset: 14, shape: [2, 3, 4, 4], body: (b, x) => b.op('HardSwish', [b.op('Mul', [x, b.constFloat([5], [])])]) },
  { name: 'Sqrt, Exp, Log, Neg, Abs, Reciprocal', shape: [2, 3, 4, 4], body: (b, x) => b.op('Reciprocal', [b.op('Abs', [b.op('Neg', [b.op('Log', [b.op('Exp', [b.op('Sqrt', [b.op('Abs', [x])])])])])])]) },
  { name: 'GELU as torch exports it before opset 20: x * 0.5 * (1 + Erf(x / sqrt(2)))', shape: [2, 6], body: (b, x) => b.op('Mul', [b.op('Mul', [x, b.constFloat([0.5], [])]), b.op('Add', [b.op('Erf', [b.op('Div', [x, b.constFloat([Math.SQRT2], [])])]), b.constFloat([1], [])])]) },
  { name: 'LayerNorm decomposed: ReduceMean, Sub, Pow 2, ReduceMean, Add, Sqrt, Div', shape: [3, 8], body: (b, x) => {
    const centered = b.op('Sub', [x, b.op('ReduceMean', [x], { axes: [-1] })]);
    const variance = b.op('ReduceMean', [b.op('Pow', [centered, b.constFloat([2], [])])], { axes: [-1] });
    return b.op('Div', [centered, b.op('Sqrt', [b.op('Add', [variance, b.constFloat([1e-5], [])])])]);
  } },
  { name: 'Gelu (opset 20), exact', opset: 20, shape: [2, 3, 4, 4], body: (b, x) => b.op('Gelu', [b.op('Mul', [x, b.constFloat([3], [])])]) },
  { name: 'Gelu (opset 20), tanh approximation', opset: 20, shape: [2, 6], body: (b, x) => b.op('Gelu', [b.op('Mul', [x, b.constFloat([3], [])])], { approximate: 'tanh' }) },
  { name: 'LayerNormalization (opset 17) over the last axis of [N, C, H, W]', opset: 17, shape: [2, 3, 4, 5], body: (b, x, w) => b.op('LayerNormalization', [x, w([5]), w([5])], { epsilon: float(1e-3) }) },
  { name: 'LayerNormalization (opset 17) over C, H, W, without B', opset: 17, shape: [2, 3, 4, 5], body: (b, x, w) => b.op('LayerNormalization', [x, w([3, 4, 5])], { axis: 1 }) },
  { name: 'LayerNormalization (opset 17) of features [N, D]', opset: 17, shape: [3, 8], body: (b, x, w) => b.op('LayerNormalization', [x, w([8]), w([8])]) },
  { name: 'Resize linear x2, half_pixel (opset 13)', shape: [2, 3, 4, 5], body: (b, x) => b.op('Resize', [x, '', b.constFloat([1, 1, 2, 2], [4])], { mode: 'linear' }) },
  { name: 'Resize linear to sizes 7x3, align_corners', shape: [2, 3, 4, 5], body: (b, x) => b.op('Resize', [x, '', '', b.constInt64([2, 3, 7, 3])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }) },
  { name: 'Resize linear x0.5, pytorch_half_pixel', shape: [2, 3, 8, 6], body: (b, x) => b.op('Resize', [x, '', b.constFloat([1, 1, 0.5, 0.5], [4])], { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }) },
  { name: 'Resize nearest x2 as torch exports nn.Upsample (asymmetric, floor)', shape: [2, 3, 4, 5], body: (b, x) => b.op('Resize', [x, '', b.constFloat([1, 1, 2, 2], [4])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }) },
  { name: 'Upsample nearest x3 (opset 9)', opset: 9, shape: [2, 3, 4, 5], body: (b, x) => b.op('Upsample', [x, b.constFloat([1, 1, 3, 3], [4])], { mode: 'nearest' }) },
  { name: 'Upsample linear x2 (opset 9)', opset: 9, shape: [2, 3, 4, 5], body: (b, x) => b.op('Upsample', [x, b.constFloat([1, 1, 2, 2], [4])], { mode: 'linear' }) },
  { name: 'Elu, Softplus, Softsign', shape: [2, 6], body: (b, x) => b.op('Softsign', [b.op('Softplus', [b.op('Elu', [x], { alpha: float(0.7) })])]) },
  { name: 'Softmax', shape: [3, 5], body: (b, x) => b.op('Softmax', [x]) },
  { name: 'LogSoftmax', shape: [3, 5], body: (b, x) => b.op('LogSoftmax', [x], { axis: 1 }) },
  { name: 'Softmax over the channels of [N, C, H, W]', shape: [2, 3, 2, 2], body: (b, x) => b.op('Softmax', [x], { axis: 1 }) },
  { name: 'Softmax over the width of [N, C, H, W]', shape: [2, 3, 2, 4], body: (b, x) => b.op('Softmax', [x], { axis: 3 }) },
  { name: 'MaxPool 2x2', shape: [2, 3, 6, 6], body: (b, x) => b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }) },
  { name: 'MaxPool 3x3 stride 2 with pads (padding never wins)', shape: [2, 3, 7, 7], body: (b, x) => b.op('MaxPool', [b.op('Sub', [x, b.constFloat([5], [])])], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 0, 1] }) },
  { name: 'MaxPool with ceil_mode', shape: [2, 3, 7, 7], body: (b, x) => b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }) },
  { name: 'AveragePool, same pads not counted', shape: [2, 3, 5, 5], body: (b, x) => b.op('AveragePool', [x], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }) },
  { name: 'AveragePool, pads counted', shape: [2, 3, 5, 5], body: (b, x) => b.op('AveragePool', [x], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }) },
  { name: 'GlobalAveragePool + Flatten + Gemm', shape: [2, 3, 4, 4], body: (b, x, w) => b.op('Gemm', [b.op('Flatten', [b.op('GlobalAveragePool', [x])]), w([2, 3])], { transB: 1 }) },
  { name: 'GlobalMaxPool', shape: [2, 3, 4, 4], body: (b, x) => b.op('GlobalMaxPool', [x]) },
  { name: 'Conv + Flatten + Gemm (dense rows reordered, not the data)', shape: [2, 2, 5, 5], body: (b, x, w) => b.op('Gemm', [b.op('Flatten', [conv(b, x, w, 3, 2, 3)]), w([4, 27])], { transB: 1 }) },
  { name: 'Conv + Flatten + Relu (data put in ONNX order)', shape: [2, 2, 5, 5], body: (b, x, w) => b.op('Relu', [b.op('Flatten', [conv(b, x, w, 3, 2, 3)])]) },
  { name: 'Conv + Reshape to [N, -1] + MatMul', shape: [2, 2, 5, 5], body: (b, x, w) => b.op('MatMul', [b.op('Reshape', [conv(b, x, w, 3, 2, 3), b.constInt64([-1, 27])]), w([27, 4])]) },
  { name: 'Reshape [N, 12] to [N, 3, 2, 2] + Conv', shape: [2, 12], body: (b, x, w) => conv(b, b.op('Reshape', [x, b.constInt64([0, 3, 2, 2])]), w, 2, 3, 1) },
  { name: 'Transpose NCHW -> NHWC -> NCHW around Relu', shape: [2, 3, 4, 5], body: (b, x) => b.op('Transpose', [b.op('Relu', [b.op('Transpose', [x], { perm: [0, 2, 3, 1] })])], { perm: [0, 3, 1, 2] }) },
  { name: 'Transpose to [N, W, H, C] as the output', shape: [2, 3, 4, 5], body: (b, x) => b.op('Transpose', [x], { perm: [0, 3, 2, 1] }) },
  { name: 'Unsqueeze then Squeeze (opset 13, axes as inputs)', shape: [2, 6], body: (b, x) => b.op('Squeeze', [b.op('Relu', [b.op('Unsqueeze', [x, b.constInt64([1, 3])])]), b.constInt64([3])]) },
  { name: 'Squeeze [N, C, 1, 1] to [N, C]', shape: [2, 3, 4, 4], body: (b, x) => b.op('Squeeze', [b.op('GlobalAveragePool', [x]), b.constInt64([2, 3])]) },
  { name: 'Dropout and Identity', shape: [2, 6], body: (b, x) => b.op('Identity', [b.op('Dropout', [x])]) },
  { name: 'Add, Sub, Mul, Div with constants on both sides', shape: [2, 3, 2, 2], body: (b, x, w) => b.op('Div', [w([], [2]), b.op('Add', [b.op('Mul', [b.op('Sub', [w([3, 1, 1]), x]), w([1, 3, 2, 2])]), b.constFloat([7], [])])]) },
  { name: 'Add of two computed tensors (a residual)', shape: [2, 3, 4, 4], body: (b, x, w) => b.op('Add', [x, conv(b, x, w, 3, 3, 3, { pads: [1, 1, 1, 1] })]) },
  { name: 'Mul of two computed tensors', shape: [2, 6], body: (b, x) => b.op('Mul', [x, b.op('Sigmoid', [x])]) },
  { name: 'Pad with zeros and with a value', shape: [2, 3, 4, 4], body: (b, x, w) => b.op('Pad', [b.op('Pad', [x, b.constInt64([0, 0, 1, 2, 0, 0, 0, 1])]), b.constInt64([0, 0, 1, 1, 0, 0, 1, 1]), w([], [0.5])]) },
  { name: 'Concat on channels', shape: [2, 3, 4, 4], body: (b, x, w) => b.op('Concat', [x, conv(b, x, w, 2, 3, 1)], { axis: 1 }) },
  { name: 'Concat on features', shape: [2, 5], body: (b, x) => b.op('Concat', [x, b.op('Relu', [x])], { axis: -1 }) },
  { name: 'Sum, Mean, Max and Min of three tensors with broadcasting', shape: [2, 3, 4, 4], body: (b, x) => {
    const pooled = b.op('GlobalAveragePool', [x]);
    const relu = b.op('Relu', [x]);
    return b.op('Sum', [b.op('Max', [x, pooled, relu]), b.op('Min', [relu, x, pooled]), b.op('Mean', [x, relu, pooled])]);
  } },
  { name: 'Max and Mean with a constant operand, Sum of one tensor', shape: [2, 6], body: (b, x) => b.op('Sum', [b.op('Mean', [b.op('Max', [x, b.constFloat([0.1], [])]), x])]) },
  { name: 'Concat of one tensor', shape: [2, 3, 4, 4], body: (b, x) => b.op('Relu', [b.op('Concat', [x], { axis: 1 })]) },
  { name: 'squeeze-and-excitation: [N, C, H, W] * sigmoid([N, C, 1, 1])', shape: [2, 3, 4, 4], body: (b, x, w) => b.op('Mul', [x, b.op('Sigmoid', [conv(b, b.op('GlobalAveragePool', [x]), w, 3, 3, 1)])]) },
  { name: 'the broadcast operand first: [N, C, 1, 1] + [N, C, H, W]', shape: [2, 3, 4, 4], body: (b, x) => b.op('Add', [b.op('GlobalMaxPool', [x]), x]) },
  { name: 'Sub and Div of two computed tensors', shape: [2, 3, 4, 4], body: (b, x) => b.op('Div', [b.op('Sub', [x, b.op('Relu', [x])]), b.op('Add', [b.op('Sigmoid', [x]), b.constFloat([1], [])])]) },
  { name: 'ReduceMean over H and W without keepdims (x.mean([2, 3]))', shape: [2, 3, 4, 5], body: (b, x) => b.op('ReduceMean', [x], { axes: [2, 3], keepdims: 0 }) },
  { name: 'ReduceMax over the channels with keepdims', shape: [2, 3, 4, 5], body: (b, x) => b.op('ReduceMax', [x], { axes: [1] }) },
  { name: 'ReduceMin over the width without keepdims, then Relu', shape: [2, 3, 4, 5], body: (b, x) => b.op('Relu', [b.op('ReduceMin', [x], { axes: [-1], keepdims: 0 })]) },
  { name: 'ReduceSum with axes as an input (opset 13)', shape: [2, 3, 4, 5], body: (b, x) => b.op('ReduceSum', [x, b.constInt64([1, 3])], { keepdims: 1 }) },
  { name: 'Slice of channels and width (opset 13, axes, a huge end meaning the end)', shape: [2, 6, 4, 5], body: (b, x) => b.op('Slice', [x, b.constInt64([2, 1]), b.constInt64([Number.MAX_SAFE_INTEGER, 4]), b.constInt64([1, -1])]) },
  { name: 'Slice with attributes (opset 9)', opset: 9, shape: [2, 6, 4, 5], body: (b, x) => b.op('Slice', [x], { starts: [0, 1], ends: [3, 3], axes: [1, 2] }) },
  { name: 'Split of channels into equal halves, then Concat swapped', shape: [2, 6, 3, 3], body: (b, x) => b.op('Concat', b.node('Split', [x], { axis: 1 }, 2).reverse(), { axis: 1 }) },
  { name: 'Split of features by sizes (opset 13 input)', shape: [3, 7], body: (b, x) => b.op('Add', [...b.node('Split', [x, b.constInt64([2, 5])], { axis: 1 }, 2).map((part) => b.op('ReduceSum', [part, b.constInt64([1])], { keepdims: 1 }))]) },
  { name: 'ReduceL2 over features', shape: [3, 6], body: (b, x) => b.op('ReduceL2', [x], { axes: [1] }) },
];

test('a grouped Conv is one trainable kernel that quantizers find', () => {
  const { model } = importOnnx(singleInputModel(['N', 4, 6, 6], (b, x, w) => b.op('Conv', [x, w([6, 2, 3, 3]), w([6])], { group: 2 })));
  expect(model.trainableWeights.map((v) => [v.name.split('/').pop(), v.shape])).toEqual([['kernel', [3, 3, 2, 6]], ['bias', [6]]]);
});

describe('each op against onnxruntime', () => {
  test.each(CASES.filter(({ name }) => /Reduce|Sub and Div|broadcast|squeeze-and-excitation|Slice|Split|grouped|HardSwish|Sqrt|GELU|Gelu|LayerNorm|Resize|Upsample|ConvTranspose|Sum, Mean/.test(name)))('$name: exported again, onnxruntime gives the imported outputs', async ({ shape, body, opset }) => {
    const bytes = singleInputModel(['N', ...shape.slice(1)], body, opset);
    const input = randomFloats(shape.reduce((a, d) => a * d, 1), 5);
    const imported = runImported(bytes, input, shape);
    const again = await runOrt(exportOnnx(importOnnx(bytes).model).bytes, input, shape);
    expect(again.dims).toEqual(imported.dims);
    expect(maxAbsDifference(again.data, imported.data)).toBeLessThan(1e-5);
  });

  test.each(CASES)('$name', async ({ shape, body, opset }) => {
    const symbolic = ['N', ...shape.slice(1)];
    const bytes = singleInputModel(symbolic, body, opset);
    const input = randomFloats(shape.reduce((a, d) => a * d, 1), 7);
    const expected = await runOrt(bytes, input, shape);
    const actual = runImported(bytes, input, shape);
    expect(actual.dims).toEqual(expected.dims);
    expect(maxAbsDifference(actual.data, expected.data)).toBeLessThan(1e-5);
  });
});
