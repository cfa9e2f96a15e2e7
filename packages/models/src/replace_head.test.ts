import { initEngine } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { HeadError, outputClasses, replaceHead } from './replace_head';
import { buildModel } from './topologies';

beforeAll(() => initEngine({ backend: 'cpu' }));

describe('replaceHead', () => {
  test('a softmax classifier gets a seeded dense head of the new size; the body is shared and unchanged', () => {
    const model = buildModel('lenet5', { seed: 1 });
    const headless = replaceHead(model, 3, { seed: 2 });
    expect(outputClasses(model)).toBe(10);
    expect(outputClasses(headless)).toBe(3);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 5);
    const y = headless.predict(x) as tf.Tensor;
    // probabilities: each row sums to 1
    expect(Array.from(tf.sum(y, 1).dataSync()).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, 1]);
    // the layers before the head are the same objects, so training the new model trains them
    const bodyLayers = model.layers.slice(0, -1);
    for (const layer of bodyLayers) expect(headless.layers).toContain(layer);
    // seeded: the same seed gives the same head
    const again = replaceHead(model, 3, { seed: 2 });
    expect(Array.from((again.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(y.dataSync()));
  });

  test('logits stay logits; a Softmax layer after the dense layer is kept', () => {
    const input = tfl.input({ shape: [4] });
    const logits = tfl.layers.dense({ units: 5, name: 'fc' }).apply(input) as tfl.SymbolicTensor;
    const plain = tfl.model({ inputs: input, outputs: logits });
    expect(replaceHead(plain, 2).layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense']);
    const withSoftmax = tfl.model({ inputs: input, outputs: tfl.layers.softmax().apply(logits) as tfl.SymbolicTensor });
    const replaced = replaceHead(withSoftmax, 2);
    expect(replaced.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense', 'Softmax']);
    expect(outputClasses(replaced)).toBe(2);
  });

  test('a model that does not end in a dense layer is a HeadError naming the layer', () => {
    const input = tfl.input({ shape: [4, 4, 1] });
    const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'classifier_conv' }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.globalAveragePooling2d({}).apply(conv) as tfl.SymbolicTensor });
    expect(() => replaceHead(model, 3)).toThrow(HeadError);
    expect(() => replaceHead(model, 3)).toThrow(/ends in GlobalAveragePooling2D layer/);
    expect(() => replaceHead(model, 0)).toThrow(/positive integer/);
  });
});
