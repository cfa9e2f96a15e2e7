// Test helpers: small ONNX models written with the engine's GraphBuilder, inputs drawn from a
// seeded generator, and the comparison of an imported model with onnxruntime on the same file.
import { GraphBuilder, type Dim } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { importOnnx } from '../import/import_model';
import { NHWC } from '../layout';

export function randomFloats(count: number, seed: number, scale = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => (random() * 2 - 1) * scale);
}

/** A one-input one-output graph: `body` adds the nodes reading 'x' and returns the output's name. */
export function singleInputModel(inputShape: readonly Dim[], body: (b: GraphBuilder, x: string, weight: WeightMaker) => string, opset = 13): Uint8Array {
  const b = new GraphBuilder();
  b.input('x', 'float32', inputShape);
  let counter = 0;
  const weight: WeightMaker = (dims, values) => {
    const count = dims.reduce((a, d) => a * d, 1);
    return b.initializer(`w${counter++}`, 'float32', values ?? randomFloats(count, 100 + counter, 0.5), dims);
  };
  b.rename(body(b, 'x', weight), 'y');
  b.output('y', 'float32');
  return b.build({ opset, graphName: 'test', producerName: 'test' });
}

export type WeightMaker = (dims: number[], values?: ArrayLike<number>) => string;

/** Runs a model in onnxruntime on NCHW (or any ONNX-layout) input. */
export async function runOrt(bytes: Uint8Array, input: Float32Array, shape: number[], inputName = 'x'): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'basic' });
  const out = await session.run({ [inputName]: new ort.Tensor('float32', input, shape) });
  const value = out[session.outputNames[0]];
  await session.release();
  return { data: value.data as Float32Array, dims: [...value.dims] };
}

/** The imported model's output for ONNX-layout input, in ONNX layout (4D tensors transposed as needed). */
export function runImported(bytes: Uint8Array, input: Float32Array, shape: number[]): { data: Float32Array; dims: number[] } {
  const { model, signature } = importOnnx(bytes);
  return tf.tidy(() => {
    let x = tf.tensor(input, shape);
    if (signature.inputs[0].layout === 'NCHW') x = tf.transpose(x, NHWC as number[]);
    let y = model.predict(x) as tf.Tensor;
    if (y.rank === 4) y = tf.transpose(y, [0, 3, 1, 2]);
    return { data: y.dataSync() as Float32Array, dims: y.shape };
  });
}

export const maxAbsDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
};
