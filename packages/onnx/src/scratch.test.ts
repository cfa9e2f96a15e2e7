import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import { importOnnx } from './index';
import { referenceCase, sharedModel } from './testing/shared_models';

test('scratch', async () => {
  await initEngine({ backend: 'ort' });
  for (const name of ['lfc', 'lenet5']) {
    const { model, signature } = importOnnx(sharedModel(name));
    model.summary();
    const ref = referenceCase(name);
    const x = tf.transpose(tf.tensor(ref.input, ref.inputShape), [0, 2, 3, 1]);
    const y = model.predict(x) as tf.Tensor;
    const got = y.dataSync();
    let maxDiff = 0;
    ref.logits.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - got[i]))));
    console.log(name, signature, maxDiff);
  }
});
