// Forms found in models in the wild: the model zoo's old opsets, converters' node order, fixed
// batch sizes, Keras's channels-last inputs and final Softmax layers.
import { GraphBuilder, initEngine } from '@sparse-ternary/engine';
import { trainingHead } from '@sparse-ternary/retrain';
import * as tf from '@tensorflow/tfjs-core';
import { importOnnx } from './index';
import { proto } from './proto';
import { maxAbsDifference, randomFloats, runImported, runOrt, singleInputModel } from './testing/onnx_fixtures';

beforeAll(() => initEngine({ backend: 'cpu' }));

const floatTensor = (dims: number[], values: number[]) => ({ dims, dataType: proto.TensorProto.DataType.FLOAT, floatData: values });
const attribute = (name: string, value: number | number[]) =>
  Array.isArray(value) ? { name, type: proto.AttributeProto.AttributeType.INTS, ints: value } : { name, type: proto.AttributeProto.AttributeType.INT, i: value };

/** An old-style model: weights in Constant nodes, legacy attributes, written with raw protobuf. */
function legacyModel(opset: number, nodes: object[], inputDims: number[], outputName: string): Uint8Array {
  const valueInfo = (name: string, dims?: number[]) => ({
    name,
    type: { tensorType: { elemType: proto.TensorProto.DataType.FLOAT, shape: dims ? { dim: dims.map((d) => ({ dimValue: d })) } : undefined } },
  });
  const graph = { name: 'legacy', node: nodes, input: [valueInfo('x', inputDims)], output: [valueInfo(outputName)] };
  return proto.ModelProto.encode({ irVersion: 3, opsetImport: [{ domain: '', version: opset }], graph }).finish();
}

const predict = (bytes: Uint8Array, nchw: number[], shape: number[]) => {
  const { model } = importOnnx(bytes);
  return Array.from((model.predict(tf.transpose(tf.tensor(nchw, shape), [0, 2, 3, 1])) as tf.Tensor).dataSync());
};

describe('models in the wild', () => {
  test('opset 6: a Constant-node bias added with broadcast=1 axis=1, and a legacy Relu', () => {
    const bytes = legacyModel(
      6,
      [
        { opType: 'Constant', output: ['b'], attribute: [{ name: 'value', type: proto.AttributeProto.AttributeType.TENSOR, t: floatTensor([2], [10, -20]) }] },
        { opType: 'Add', input: ['x', 'b'], output: ['sum'], attribute: [attribute('broadcast', 1), attribute('axis', 1)] },
        { opType: 'Relu', input: ['sum'], output: ['y'], attribute: [attribute('consumed_inputs', [0])] },
      ],
      [1, 2, 1, 2],
      'y',
    );
    // x [1, 2, 1, 2] = channel 0: (1, 2), channel 1: (30, 10); + (10, -20) per channel, then ReLU.
    const { model } = importOnnx(bytes);
    const y = model.predict(tf.transpose(tf.tensor([1, 2, 30, 10], [1, 2, 1, 2]), [0, 2, 3, 1])) as tf.Tensor;
    expect(Array.from(tf.transpose(y, [0, 3, 1, 2]).dataSync())).toEqual([11, 12, 10, 0]);
  });

  test('opset 4: Reshape with a shape attribute, and the fixed batch of 1 relaxed for training', () => {
    const bytes = legacyModel(4, [{ opType: 'Reshape', input: ['x'], output: ['y'], attribute: [attribute('shape', [1, 4])] }], [1, 2, 1, 2], 'y');
    // Flattened in ONNX (channels-first) order, for a batch of 2 although the file says 1.
    expect(predict(bytes, [1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 1, 2])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('nodes written out of topological order import like the sorted graph', async () => {
    const bytes = singleInputModel(['N', 2, 5, 5], (b, x, w) => b.op('Gemm', [b.op('Flatten', [b.op('Relu', [b.op('Conv', [x, w([3, 2, 3, 3])])])]), w([4, 27])], { transB: 1 }));
    const model = proto.ModelProto.decode(bytes);
    model.graph!.node!.reverse();
    const shuffled = proto.ModelProto.encode(model).finish();
    const input = randomFloats(2 * 50, 3);
    expect(maxAbsDifference(runImported(shuffled, input, [2, 2, 5, 5]).data, (await runOrt(bytes, input, [2, 2, 5, 5])).data)).toBeLessThan(1e-5);
  });

  test('a Keras-converted model: NHWC input, a leading Transpose, stays channels-last with no layout layer', async () => {
    const bytes = singleInputModel(['N', 5, 5, 2], (b, x, w) => {
      const nchw = b.op('Transpose', [x], { perm: [0, 3, 1, 2] });
      return b.op('Gemm', [b.op('Flatten', [b.op('Conv', [nchw, w([3, 2, 3, 3]), w([3])])]), w([4, 27])], { transB: 1 });
    });
    const { model, signature } = importOnnx(bytes);
    expect(signature.inputs).toEqual([{ name: 'x', layout: 'NHWC' }]);
    expect(model.inputs[0].shape).toEqual([null, 5, 5, 2]);
    expect(model.layers.map((l) => l.getClassName())).not.toContain('Permute');
    const input = randomFloats(2 * 50, 4);
    expect(maxAbsDifference(runImported(bytes, input, [2, 5, 5, 2]).data, (await runOrt(bytes, input, [2, 5, 5, 2])).data)).toBeLessThan(1e-5);
  });

  test('a model ending in Softmax keeps it, and trains on the logits before it', async () => {
    const bytes = singleInputModel(['N', 6], (b, x, w) => b.op('Softmax', [b.op('Gemm', [x, w([3, 6]), w([3])], { transB: 1 })], { axis: 1 }));
    const input = randomFloats(12, 5);
    expect(maxAbsDifference(runImported(bytes, input, [2, 6]).data, (await runOrt(bytes, input, [2, 6])).data)).toBeLessThan(1e-6);
    const head = trainingHead(importOnnx(bytes).model);
    expect(head.output).toBe('logits');
    expect(head.model.outputs[0].shape).toEqual([null, 3]);
    expect(head.model.layers.at(-1)!.getClassName()).toBe('Dense');
  });

  test('a graph input that is also an initializer is a weight, not an input', async () => {
    const b = new GraphBuilder();
    b.input('x', 'float32', ['N', 3]);
    b.input('W', 'float32', [3, 2]);
    b.initializer('W', 'float32', [1, 2, 3, 4, 5, 6], [3, 2]);
    b.rename(b.op('MatMul', ['x', 'W']), 'y');
    b.output('y', 'float32');
    const { model, signature } = importOnnx(b.build({ opset: 9 }));
    expect(signature.inputs.map((i) => i.name)).toEqual(['x']);
    expect(Array.from((model.predict(tf.tensor2d([[1, 1, 1]])) as tf.Tensor).dataSync())).toEqual([9, 12]);
  });
});
