// Constant folding and shape arithmetic at import, against onnxruntime running the same file: the
// forms PyTorch exports for x.view(x.size(0), -1), shared initializers, weights computed from
// constants, and the errors for shapes a layer cannot express.
import { seededRandom } from '@sparse-ternary/base';
import { initEngine, type GraphBuilder } from '@sparse-ternary/engine';
import { compress } from '@sparse-ternary/retrain';
import { ImportError } from './errors';
import { importOnnx } from './import/import_model';
import { maxAbsDifference, randomFloats, runImported, runOrt, singleInputModel, type WeightMaker } from './testing/onnx_fixtures';

beforeAll(() => initEngine({ backend: 'cpu' }));

const conv = (b: GraphBuilder, x: string, w: WeightMaker) => b.op('Conv', [x, w([3, 2, 3, 3]), w([3])]);

/** x.view(x.size(0), -1) as torch.onnx.export writes it: Shape, Gather(0), Unsqueeze, Concat with [-1], Reshape. */
function viewBatchMinusOne(b: GraphBuilder, x: string, opset: number): string {
  const batch = b.op('Gather', [b.op('Shape', [x]), b.constInt64([0], [])], { axis: 0 });
  const unsqueezed = opset >= 13 ? b.op('Unsqueeze', [batch, b.constInt64([0])]) : b.op('Unsqueeze', [batch], { axes: [0] });
  return b.op('Reshape', [x, b.op('Concat', [unsqueezed, b.constInt64([-1])], { axis: 0 })]);
}

interface FoldCase {
  name: string;
  shape: number[];
  body: (b: GraphBuilder, x: string, w: WeightMaker) => string;
  opset?: number;
  /** A fixed batch in the model's input shape instead of a symbolic one. */
  fixedBatch?: boolean;
}

const CASES: FoldCase[] = [
  { name: 'x.view(x.size(0), -1) after a Conv, opset 9', opset: 9, shape: [2, 2, 5, 5], body: (b, x, w) => b.op('Gemm', [viewBatchMinusOne(b, conv(b, x, w), 9), w([4, 27]), w([4])], { transB: 1 }) },
  { name: 'x.view(x.size(0), -1) after a Conv, opset 13', opset: 13, shape: [2, 2, 5, 5], body: (b, x, w) => b.op('Gemm', [viewBatchMinusOne(b, conv(b, x, w), 13), w([4, 27])], { transB: 1 }) },
  { name: 'x.view(x.size(0), -1) with a fixed batch', fixedBatch: true, shape: [2, 2, 5, 5], body: (b, x, w) => b.op('Gemm', [viewBatchMinusOne(b, conv(b, x, w), 13), w([4, 27])], { transB: 1 }) },
  {
    name: 'a view computed from the other dimensions: [N, C * H * W] by Shape, Gather, Mul',
    shape: [2, 3, 2, 2],
    body: (b, x) => {
      const dims = b.op('Shape', [x]);
      const pick = (i: number) => b.op('Gather', [dims, b.constInt64([i])], { axis: 0 });
      const features = b.op('Mul', [b.op('Mul', [pick(1), pick(2)]), pick(3)]);
      return b.op('Relu', [b.op('Reshape', [x, b.op('Concat', [pick(0), features], { axis: 0 })])]);
    },
  },
  {
    name: 'channel shuffle: x.view(b, g, c // g, h, w).transpose(1, 2).reshape(b, c, h, w), then a Conv',
    opset: 13,
    shape: [2, 4, 3, 3],
    body: (b, x, w) => {
      const batch = b.op('Unsqueeze', [b.op('Gather', [b.op('Shape', [x]), b.constInt64([0], [])], { axis: 0 }), b.constInt64([0])]);
      const grouped = b.op('Reshape', [x, b.op('Concat', [batch, b.constInt64([2, 2, 3, 3])], { axis: 0 })]);
      const shuffled = b.op('Transpose', [grouped], { perm: [0, 2, 1, 3, 4] });
      const back = b.op('Reshape', [shuffled, b.op('Concat', [batch, b.constInt64([4, 3, 3])], { axis: 0 })]);
      return b.op('Conv', [back, w([2, 4, 1, 1])]);
    },
  },
  {
    name: 'an initializer shared through Identity (as torch writes shared weights) as a Conv bias',
    shape: [2, 2, 5, 5],
    body: (b, x, w) => b.op('Conv', [x, w([3, 2, 3, 3]), b.op('Identity', [w([3])])]),
  },
  {
    name: 'a weight computed from constants: Transpose, Reshape and Mul of initializers into a MatMul',
    shape: [2, 6],
    body: (b, x, w) => b.op('MatMul', [x, b.op('Mul', [b.op('Reshape', [b.op('Transpose', [w([4, 6])], { perm: [1, 0] }), b.constInt64([6, 4])]), b.constFloat([0.5], [])])]),
  },
  {
    name: 'Cast, Concat and Unsqueeze of constants into a Pad',
    shape: [2, 3, 4, 4],
    body: (b, x) => b.op('Pad', [x, b.op('Cast', [b.op('Concat', [b.constFloat([0, 0, 1, 1]), b.constFloat([0, 0, 2, 0])], { axis: 0 })], { to: 7 })]),
  },
];

describe('folding against onnxruntime', () => {
  test.each(CASES)('$name', async ({ shape, body, opset, fixedBatch }) => {
    const bytes = singleInputModel(fixedBatch ? shape : ['N', ...shape.slice(1)], body, opset);
    const input = randomFloats(shape.reduce((a, d) => a * d, 1), 11);
    const expected = await runOrt(bytes, input, shape);
    const actual = runImported(bytes, input, shape);
    expect(actual.dims).toEqual(expected.dims);
    expect(maxAbsDifference(actual.data, expected.data)).toBeLessThan(1e-5);
  });

  test('a folded weight is a trainable weight of the imported model', () => {
    const bytes = singleInputModel(['N', 6], (b, x, w) => b.op('MatMul', [x, b.op('Transpose', [w([4, 6])], { perm: [1, 0] })]));
    const { model } = importOnnx(bytes);
    expect(model.trainableWeights.map((v) => v.shape)).toEqual([[6, 4]]);
  });
});

describe('shapes a layer cannot express are ImportErrors naming the node', () => {
  const problems = (bytes: Uint8Array) => {
    try {
      importOnnx(bytes);
    } catch (error) {
      if (error instanceof ImportError) return error.problems.map((p) => `${p.opType} '${p.node}': ${p.reason}`);
      throw error;
    }
    throw new Error('imported');
  };

  test('the batch moved into another dimension', () => {
    const bytes = singleInputModel(['N', 6], (b, x) => {
      const batch = b.op('Gather', [b.op('Shape', [x]), b.constInt64([0])], { axis: 0 });
      return b.op('Reshape', [x, b.op('Concat', [b.constInt64([1]), b.op('Mul', [batch, b.constInt64([6])])], { axis: 0 })], {}, { name: 'flatten_all' });
    });
    expect(problems(bytes)).toEqual([expect.stringMatching(/^Reshape 'flatten_all': the shape \('t\d+'\) puts the batch size into dimension 1, which a layer cannot do$/)]);
  });

  test('a shape computed from the data', () => {
    const bytes = singleInputModel(['N', 4], (b, x) => b.op('Reshape', [x, b.op('Cast', [x], { to: 7 }, { name: 'data_to_shape' })], {}, { name: 'by_data' }));
    expect(problems(bytes)).toEqual([expect.stringMatching(/^Cast 'data_to_shape': op not supported/)]);
  });
});

describe('compressing what was imported', () => {
  test('grouped conv, squeeze-and-excitation, a channel split and a reduction train through all three stages', async () => {
    // [N, 4, 8, 8] -> grouped Conv (2 groups) -> SE (ReduceMean, Conv, Sigmoid, Mul) -> split channels -> Add halves -> mean -> Gemm
    const bytes = singleInputModel(['N', 4, 8, 8], (b, x, w) => {
      const grouped = b.op('Relu', [b.op('Conv', [x, w([8, 2, 3, 3]), w([8])], { group: 2, pads: [1, 1, 1, 1] })]);
      const squeezed = b.op('ReduceMean', [grouped], { axes: [2, 3], keepdims: 1 });
      const excited = b.op('Mul', [grouped, b.op('Sigmoid', [b.op('Conv', [squeezed, w([8, 8, 1, 1])])])]);
      const [a, c] = b.node('Split', [excited], { axis: 1 }, 2);
      const pooled = b.op('ReduceMean', [b.op('Add', [a, c])], { axes: [2, 3], keepdims: 0 });
      return b.op('Gemm', [pooled, w([3, 4]), w([3])], { transB: 1 });
    });
    const { model } = importOnnx(bytes);
    const random = seededRandom(5);
    const images = (count: number) => ({
      images: Uint8Array.from({ length: count * 8 * 8 * 4 }, () => Math.floor(random() * 256)),
      labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
      count,
      imageShape: [8, 8, 4] as [number, number, number],
      numClasses: 3,
    });
    const { report } = await compress(model, images(60), { epochs: { stage1: 1, stage3: 1 }, batchSize: 20, test: images(30), seed: 1 });
    // the grouped conv, the SE conv, the dense layer (TF.js suffixes variable names unique in the process)
    expect(report.layers.map((l) => l.name.replace(/_\d+$/, ''))).toEqual(['Conv_0/kernel', 'Conv_3/kernel', 'Gemm_9/kernel']);
    const grouped = model.layers.find((l) => l.getClassName() === 'SparseTernaryGroupedConv2D')!;
    const kernel = Array.from(grouped.getWeights()[0].dataSync());
    const alpha = Math.max(...kernel.map(Math.abs));
    expect(new Set(kernel.map((v) => Math.abs(v)))).toEqual(new Set([0, alpha]));
    expect(report.sparsity).toBeGreaterThan(0);
  }, 120_000);
});
