import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import type { LabeledImages } from './labeled_images';
import { batches, channelStats, splitValidation, toTensors } from './pipeline';

beforeAll(() => initEngine({ backend: 'cpu' }));

const set = (images: number[], labels: number[], imageShape: [number, number, number], numClasses = 10): LabeledImages => ({
  images: Uint8Array.from(images),
  labels: Uint8Array.from(labels),
  count: labels.length,
  imageShape,
  numClasses,
});

/** Ten 1x1 single-channel images whose pixel value is their label. */
const ten = set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 1]);

describe('toTensors', () => {
  const tiny = set([0, 255, 51, 102], [1, 0], [1, 2, 1], 3);
  test.each([
    ['unit', [0, 1, 0.2, 0.4]],
    ['symmetric', [-1, 1, -0.6, -0.2]],
    [{ mean: [0.5], std: [0.25] }, [-2, 2, -1.2, -0.4]],
  ] as const)('scales pixels (%j)', (scale, expected) => {
    const { x, y } = toTensors(tiny, { scale: scale as never });
    expect(x.shape).toEqual([2, 1, 2, 1]);
    Array.from(x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(y.arraySync()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    tf.dispose([x, y]);
  });

  test('integer labels on request', () => {
    const { x, y } = toTensors(tiny, { labels: 'int' });
    expect([y.dtype, Array.from(y.dataSync())]).toEqual(['int32', [1, 0]]);
    tf.dispose([x, y]);
  });
});

test('channelStats gives per-channel mean and standard deviation in [0, 1] units', () => {
  const { mean, std } = channelStats(set([255, 0, 51, 0, 0, 153], [0, 0], [1, 1, 3]));
  [0.5, 0, 0.4].forEach((m, i) => expect(mean[i]).toBeCloseTo(m, 6));
  [0.5, 0, 0.2].forEach((s, i) => expect(std[i]).toBeCloseTo(s, 6));
});

test('seededRandom is mulberry32: the same numbers as an independent Python implementation', () => {
  const r = seededRandom(1);
  [0.6270739406, 0.0027357212, 0.52744704].forEach((v) => expect(r()).toBeCloseTo(v, 9));
});

describe('splitValidation', () => {
  test('splits into disjoint, complete, seeded parts', () => {
    const { train, validation } = splitValidation(ten, 3, 5);
    expect([train.count, validation.count]).toEqual([7, 3]);
    expect([...train.labels, ...validation.labels].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(splitValidation(ten, 3, 5).validation.labels)).toEqual(Array.from(validation.labels));
    expect(Array.from(validation.images)).toEqual(Array.from(validation.labels)); // images travel with labels
  });
  test('refuses a validation size that leaves no training data', () => {
    expect(() => splitValidation(ten, 10)).toThrow(/validationCount must be an integer in 0..9/);
  });
});

describe('batches', () => {
  /** The label of every record, batch by batch (each record's label is its index). */
  function collect(options: Parameters<typeof batches>[1]): number[][] {
    const out: number[][] = [];
    for (const b of batches(ten, { labels: 'int', ...options })) out.push(Array.from(b.y.dataSync()));
    return out;
  }

  test('seed 42, epoch 0 gives the order an independent mulberry32 + Fisher-Yates computes', () => {
    expect(collect({ batchSize: 4, seed: 42 })).toEqual([
      [7, 3, 2, 4],
      [0, 5, 6, 9],
      [1, 8],
    ]);
  });

  test('each epoch covers every record once; epochs differ; the same (seed, epoch) repeats', () => {
    const e0 = collect({ batchSize: 4, seed: 1, epoch: 0 }).flat();
    const e1 = collect({ batchSize: 4, seed: 1, epoch: 1 }).flat();
    expect([...e0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...e1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e1).not.toEqual(e0);
    expect(collect({ batchSize: 4, seed: 1, epoch: 1 }).flat()).toEqual(e1);
    expect(collect({ batchSize: 3, shuffle: false })).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(collect({ batchSize: 3, shuffle: false, dropRemainder: true })).toHaveLength(3);
  });

  test('disposes what it creates: numTensors is unchanged after epochs, and after leaving early', () => {
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const b of batches(ten, { batchSize: 3, epoch })) {
        expect(tf.memory().numTensors).toBe(before + 2);
        expect(b.x.shape).toEqual([b.y.shape[0], 1, 1, 1]);
      }
    }
    for (const b of batches(ten, { batchSize: 3 })) {
      if (b) break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test('augmentation: every output is the image shifted by at most pad and maybe flipped, zero-padded, seeded', () => {
    const image = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // 3x3, one channel
    const many = set(Array.from({ length: 200 }, () => image).flat(), new Array(200).fill(0), [3, 3, 1]);
    const candidates = new Map<string, string>();
    for (const flip of [false, true]) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const out = [];
          for (let y = 0; y < 3; y++) {
            for (let x = 0; x < 3; x++) {
              const sy = y + dy;
              const sx = (flip ? 2 - x : x) + dx;
              out.push(sy >= 0 && sy < 3 && sx >= 0 && sx < 3 ? image[sy * 3 + sx] : 0);
            }
          }
          candidates.set(out.join(','), `dy${dy} dx${dx} flip${flip}`);
        }
      }
    }
    const seen = new Set<string>();
    const run = () => {
      const outputs: string[] = [];
      for (const b of batches(many, { batchSize: 50, seed: 3, augment: { pad: 1, flip: true } })) {
        const v = Array.from(b.x.dataSync(), (p) => Math.round(p * 255));
        for (let i = 0; i < v.length; i += 9) outputs.push(v.slice(i, i + 9).join(','));
      }
      return outputs;
    };
    const outputs = run();
    for (const o of outputs) {
      expect(candidates.has(o)).toBe(true);
      seen.add(candidates.get(o)!);
    }
    expect(seen.size).toBe(18); // every shift and flip occurs
    expect(run()).toEqual(outputs); // and the same seed repeats them
  });
});
