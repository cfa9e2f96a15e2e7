import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { writeFileSync } from 'node:fs';
import { initEngine } from '@sparse-ternary/engine';
import { ternarizeModel, twnQuantizer } from '@sparse-ternary/quantize-prune';
import { exportOnnx, importOnnx } from './index';
import { referenceCase, sharedModel } from './testing/shared_models';

test('scratch', async () => {
  await initEngine({ backend: 'ort' });
  for (const name of ['lfc', 'lenet5']) {
    const { model } = importOnnx(sharedModel(name));
    const report = ternarizeModel(model, twnQuantizer());
    const ref = referenceCase(name);
    const nchw = tf.tensor(ref.input, ref.inputShape);
    const y = (model.predict(tf.transpose(nchw, [0, 2, 3, 1])) as tf.Tensor).dataSync();
    for (const format of ['float', 'int8', 'qonnx'] as const) {
      const { bytes, layers } = exportOnnx(model, { format, method: 'twn', layers: report.layers });
      writeFileSync(`/tmp/${name}.${format}.onnx`, bytes);
      console.log(name, format, bytes.length, layers.map((l) => `${l.layer}:${l.levels}:${l.sparsity.toFixed(2)}`).join(' '));
      if (format === 'qonnx') continue;
      const session = await ort.InferenceSession.create(bytes);
      const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(ref.input), ref.inputShape) });
      const got = out.logits.data as Float32Array;
      let maxDiff = 0;
      got.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - y[i]))));
      console.log(name, format, 'maxDiff', maxDiff);
      const back = importOnnx(bytes).model;
      const y2 = (back.predict(tf.transpose(nchw, [0, 2, 3, 1])) as tf.Tensor).dataSync();
      let rt = 0;
      y2.forEach((v, i) => (rt = Math.max(rt, Math.abs(v - y[i]))));
      console.log(name, format, 'roundtrip', rt);
    }
  }
}, 120000);
