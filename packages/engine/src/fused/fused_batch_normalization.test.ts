import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomValues, seededRandom, startOrt } from '../testing/backend_comparison';
import { batchNormalization, FusedBatchNormalization } from './fused_batch_normalization';

function model(bn: tfl.layers.Layer): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [6, 6, 3], filters: 4, kernelSize: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  m.add(bn);
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  return m;
}

describe('FusedBatchNormalization', () => {
  beforeAll(async () => {
    await startOrt();
    tf.setBackend('cpu');
  });

  test('trains and infers exactly like tf.layers.batchNormalization', async () => {
    const r = seededRandom(8);
    const x = tf.tensor4d(randomValues(r, 10 * 6 * 6 * 3, -1, 2), [10, 6, 6, 3]);
    const y = tf.tensor2d(randomValues(r, 30), [10, 3]);
    const reference = model(tfl.layers.batchNormalization({ momentum: 0.9 }));
    const fused = model(batchNormalization({ momentum: 0.9 }));
    for (let step = 0; step < 5; step++) {
      await reference.trainOnBatch(x, y);
      await fused.trainOnBatch(x, y);
    }
    // gamma, beta, moving mean and variance (and the conv and dense weights around them) agree.
    const [refWeights, fusedWeights] = [reference.getWeights(), fused.getWeights()];
    expect(fusedWeights.map((w) => w.shape)).toEqual(refWeights.map((w) => w.shape));
    refWeights.forEach((w, i) => {
      const err = tf.max(tf.abs(tf.sub(w, fusedWeights[i]))).dataSync()[0];
      expect(err).toBeLessThan(1e-5);
    });
    const inference = tf.max(tf.abs(tf.sub(reference.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor))).dataSync()[0];
    expect(inference).toBeLessThan(1e-5);
  });

  test('round-trips through the layers serialization registry', () => {
    const m = model(batchNormalization({ momentum: 0.8, epsilon: 1e-4 }));
    const config = JSON.parse(JSON.stringify(m.getConfig()));
    const restored = tfl.Sequential.fromConfig(tfl.Sequential, config) as tfl.Sequential;
    const layer = restored.layers[1] as FusedBatchNormalization;
    expect(layer).toBeInstanceOf(FusedBatchNormalization);
    expect([layer.momentum, layer.epsilon]).toEqual([0.8, 1e-4]);
  });
});
