// The compiled step against the per-kernel one (straightThroughStep): one SGD step at learning rate
// 1 moves every weight by the same gradient within 1e-4 relative, for each quantizer rule, with
// and without masks and clipping, on dense and convolutional models.
import { seededRandom } from '@sparse-ternary/base';
import { batchNormalization, initEngine } from '@sparse-ternary/engine';
import { binaryQuantizer, fixedThresholdQuantizer, floatQuantizer, quantizedLayers, straightThroughStep, targetSparsityQuantizer, twnQuantizer, type Masks, type Quantizer } from '@sparse-ternary/quantize-prune';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { compiledStep } from './compiled_step';
import { trainingHead } from './training_head';

beforeAll(() => initEngine({ backend: 'ort' }));

const N = 8;
const CLASSES = 3;

const models = {
  dense: () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [12], units: 10, useBias: false }), batchNormalization(), tfl.layers.activation({ activation: 'relu' }), tfl.layers.dense({ units: CLASSES, activation: 'softmax' })] }),
  conv: () =>
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 6, kernelSize: 3, useBias: false }),
        batchNormalization(),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
      ],
    }),
};

/** The model with seeded weights (the same for both paths). */
function build(kind: keyof typeof models): tfl.LayersModel {
  const model = models[kind]();
  const r = seededRandom(4);
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(Float32Array.from({ length: w.size }, () => (model.weights[i].name.includes('variance') ? 0.5 + r() : r() * 2 - 1)), w.shape)));
  return model;
}

/** Every other weight of each quantized kernel kept. */
function halfMasks(model: tfl.LayersModel): Masks {
  return new Map(quantizedLayers(model).map((t) => [t.name, tf.tensor(Float32Array.from({ length: t.kernel.read().size }, (_, i) => i % 2), t.kernel.shape as number[])]));
}

const cases: [string, () => Quantizer, { masks?: boolean; clip?: number }][] = [
  ['float', floatQuantizer, {}],
  ['twn', () => twnQuantizer(0.7), {}],
  ['fixed threshold', () => fixedThresholdQuantizer(0.3), { clip: 0.8 }],
  ['target sparsity 75%', () => targetSparsityQuantizer(0.75), {}],
  ['target sparsity 25%', () => targetSparsityQuantizer(0.25), {}],
  ['binary', binaryQuantizer, {}],
  ['twn, masked', () => twnQuantizer(0.7), { masks: true }],
];

describe.each(['dense', 'conv'] as const)('%s model', (kind) => {
  test.each(cases)('%s: one SGD step equals straightThroughStep within 1e-4', (_, quantizer, { masks: masked, clip }) => {
    const r = seededRandom(8);
    const reference = build(kind);
    const shape = [N, ...(reference.inputs[0].shape.slice(1) as number[])];
    const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1);
    const y = Float32Array.from({ length: N * CLASSES }, (_, i) => (i % CLASSES === Math.floor(i / CLASSES) % CLASSES ? 1 : 0));
    const masks = masked ? halfMasks(reference) : undefined;
    const optimizer = tf.train.sgd(1);
    const head = trainingHead(reference);
    const expected = straightThroughStep(head.model, tf.tensor(x, shape), tf.tensor(y, [N, CLASSES]), { quantizer: quantizer(), optimizer, loss: head.loss, masks, clip });

    const model = build(kind);
    // Masks are keyed by variable name: the same masks, under this model's names.
    const step = compiledStep(model, { optimizer: { kind: 'sgd', learningRate: 1 }, output: 'probabilities', quantizer: quantizer(), masks: masked ? halfMasks(model) : undefined, clip });
    if (step instanceof Error) throw step;
    const loss = step.step(x, y);
    step.writeBack();
    step.dispose();
    expect(loss).toBeCloseTo(expected.loss, 4);
    model.weights.forEach((w, i) => {
      const [actual, wanted] = [w.read().dataSync(), reference.weights[i].read().dataSync()];
      const scale = Math.max(...Array.from(wanted, Math.abs), 1e-6);
      const error = Math.max(...Array.from(actual, (v, k) => Math.abs(v - wanted[k]))) / scale;
      expect({ weight: w.name, close: error < 1e-4 }).toEqual({ weight: w.name, close: true });
    });
    optimizer.dispose();
  }, 60_000);
});
