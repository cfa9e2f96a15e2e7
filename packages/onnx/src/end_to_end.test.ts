// The whole path: a PyTorch model imported, compressed by the pipeline from its pretrained
// weights, exported, and run by onnxruntime with the predictions TF.js makes.
import { initEngine } from '@sparse-ternary/engine';
import { twnQuantizer } from '@sparse-ternary/quantize-prune';
import { qtrCost } from '@sparse-ternary/regularizers';
import { accuracy, compress } from '@sparse-ternary/retrain';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { exportOnnx, importOnnx, readOnnx } from './index';
import { fashionMnistSlice, referenceModel } from './testing/reference_models';

test('mlp.onnx: import, compress (sparse ternary), export int8 ONNX, run in onnxruntime', async () => {
  await initEngine({ backend: 'ort' });
  const { train, test } = fashionMnistSlice();
  const tensors = { scale: 'unit' as const };
  const { model } = importOnnx(referenceModel('mlp'));
  const before = accuracy(model, test, tensors);

  const { report } = await compress(model, train, {
    epochs: { stage1: 4, stage3: 2 },
    batchSize: 50,
    learningRate: 5e-4,
    quantizer: twnQuantizer(1.7),
    regularizers: [qtrCost(2e-5)],
    tensors,
    test,
    seed: 1,
  });
  expect(report.sparsity).toBeGreaterThan(0.8);
  expect(report.accuracy).toBeGreaterThan(before - 0.03);

  const { bytes } = exportOnnx(model, { format: 'int8', method: report.method, layers: report.layers });
  expect(Number(readOnnx(bytes).metadata.get('sparse_ternary.sparsity'))).toBeCloseTo(report.sparsity, 6);
  const session = await ort.InferenceSession.create(bytes);
  const pixels = Float32Array.from(test.images, (p) => p / 255);
  const out = await session.run({ input: new ort.Tensor('float32', pixels, [test.count, 1, 28, 28]) });
  const ortClasses = tf.tidy(() => Array.from(tf.argMax(tf.tensor(out.logits.data as Float32Array, [test.count, 10]), 1).dataSync()));
  const tfClasses = tf.tidy(() => Array.from(tf.argMax(model.predict(tf.tensor(pixels, [test.count, 28, 28, 1])) as tf.Tensor, 1).dataSync()));
  expect(ortClasses).toEqual(tfClasses);
  expect(ortClasses.filter((c, i) => c === test.labels[i]).length / test.count).toBeCloseTo(report.accuracy, 6);
}, 600_000); // about a minute alone; several with other suites sharing the cores
