import { initEngine } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { HeadError, headFor, outputClasses, replaceHead } from './replace_head';
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

  test("SqueezeNet's head, a 1x1 convolution then ReLU and pooling, gets a new convolution and copies of the layers after it", () => {
    const input = tfl.input({ shape: [4, 4, 1] });
    const conv = tfl.layers.conv2d({ filters: 7, kernelSize: 1, name: 'classifier_conv' }).apply(input) as tfl.SymbolicTensor;
    const relu = tfl.layers.reLU({ name: 'relu' }).apply(conv) as tfl.SymbolicTensor;
    const pooled = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(relu) as tfl.SymbolicTensor;
    // as imported: the pooling's keepdims, then torch's flatten, as reshapes to the class count
    const kept = tfl.layers.reshape({ targetShape: [1, 1, 7], name: 'keepdims' }).apply(pooled) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.reshape({ targetShape: [7], name: 'flatten' }).apply(kept) as tfl.SymbolicTensor });
    const replaced = replaceHead(model, 3, { seed: 1 });
    expect(replaced.layers.map((l) => [l.getClassName(), l.outputShape])).toEqual([
      ['InputLayer', [null, 4, 4, 1]],
      ['Conv2D', [null, 4, 4, 3]],
      ['ReLU', [null, 4, 4, 3]],
      ['GlobalAveragePooling2D', [null, 3]],
      ['Reshape', [null, 1, 1, 3]],
      ['Reshape', [null, 3]],
    ]);
    // new layers, each used once: the model still exports
    for (const layer of replaced.layers.slice(1)) expect(model.layers).not.toContain(layer);
  });

  test('a head that cannot be replaced is a HeadError naming the layer', () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 2, name: 'a' }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 2, name: 'b' }).apply(input) as tfl.SymbolicTensor;
    const joined = tfl.model({ inputs: input, outputs: tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor });
    expect(() => replaceHead(joined, 3)).toThrow(HeadError);
    expect(() => replaceHead(joined, 3)).toThrow(/layer 'sum' \(Add\) joins several inputs/);
    const normalized = tfl.model({ inputs: input, outputs: tfl.layers.batchNormalization({ name: 'bn' }).apply(input) as tfl.SymbolicTensor });
    expect(() => replaceHead(normalized, 3)).toThrow(/the last weight layer 'bn' is a BatchNormalization/);
    expect(() => replaceHead(joined, 0)).toThrow(/positive integer/);
  });
});

test('headFor keeps a model that predicts the classes already and replaces the head of one that does not', () => {
  const model = buildModel('tfc', { seed: 1 });
  expect(headFor(model, 10)).toBe(model);
  const three = headFor(model, 3, { seed: 2 });
  expect(three).not.toBe(model);
  expect(outputClasses(three)).toBe(3);
  three.dispose(); // the body is shared with model
});
