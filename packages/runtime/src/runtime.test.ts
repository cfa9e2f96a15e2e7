import { loadDataset } from '@sparse-ternary/datasets';
import { initEngine } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import { buildModel, quantizeActivations, type TopologyName } from '@sparse-ternary/models';
import { ConstantPadding2D, GroupedConv2D, importOnnx } from '@sparse-ternary/onnx';
import { ternarizeModel, twnQuantizer } from '@sparse-ternary/quantize-prune';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { crc32, decodePacked, encodePacked, InputError, load, PackedModelError, PackError, type PackedLayer, type PayloadWriter } from './index';
import { pack } from './pack';
import { fixture } from '../../../tools/testing/fixtures';

beforeAll(() => initEngine({ backend: 'ort' }));

/** A topology with random weights and BatchNorm statistics, ternarized (the first layer kept float when asked). */
function ternaryModel(name: TopologyName, seed: number, firstFloat = false): tfl.LayersModel {
  const model = buildModel(name, { widthMultiplier: 0.125, seed });
  const random = seededRandom(seed);
  const variances = model.weights.map((w) => w.name.includes('variance'));
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(Float32Array.from({ length: w.size }, () => (variances[i] ? 0.5 : -0.5) + random()), w.shape)));
  ternarizeModel(model, twnQuantizer(1.2), undefined, firstFloat ? { first: 'float' } : {});
  return model;
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let max = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
};

describe('outputs match TF.js', () => {
  test.each([
    ['tfc', false],
    ['lenet5', false],
    ['cnv', true],
    ['vgg7', false],
  ] as const)('%s (first layer float: %s) within 1e-5, batch and single-sample paths alike, with the WebAssembly SIMD kernels and the scalar reference', (name, firstFloat) => {
    const model = ternaryModel(name, 3, firstFloat);
    const bytes = pack(model);
    const scalar = load(bytes, { kernels: 'scalar' });
    const runtime = load(bytes, { kernels: 'wasm' });
    expect([load(bytes).kernels, scalar.kernels]).toEqual(['wasm', 'scalar']);
    const [h, w, c] = runtime.inputShape;
    const random = seededRandom(5);
    const input = Float32Array.from({ length: 8 * h * w * c }, () => random());
    const expected = tf.tidy(() => (model.predict(tf.tensor(input, [8, h, w, c])) as tf.Tensor).dataSync());
    const actual = runtime.predict(input, 8);
    expect(maxDifference(actual, expected)).toBeLessThan(1e-5);
    expect(actual.some((p) => p > 0.01 && p < 0.99)).toBe(true);
    // one sample alone (the batch of a dense model runs 16 at a time, summing in another order)
    expect(maxDifference(runtime.predictOne(input.subarray(0, h * w * c)), actual.subarray(0, runtime.outputSize))).toBeLessThan(1e-6);
    expect(maxDifference(scalar.predict(input, 8), expected)).toBeLessThan(1e-5);
  });

  test('on the test set: LeNet-5 on the first 500 MNIST test images gives the outputs TF.js gives', () => {
    const model = ternaryModel('lenet5', 7);
    const { test } = loadDataset('mnist-10k', { env: {}, systemDir: '/nonexistent' });
    const images = Float32Array.from(test.images.subarray(0, 500 * 784), (p) => p / 255);
    const expected = tf.tidy(() => (model.predict(tf.tensor(images, [500, 28, 28, 1])) as tf.Tensor).dataSync());
    for (const kernels of ['wasm', 'scalar'] as const) expect(maxDifference(load(pack(model), { kernels }).predict(images, 500), expected)).toBeLessThan(1e-5);
  });

  test('the packed model records its sparsity and holds only the non-zeros', () => {
    const model = ternaryModel('tfc', 1);
    const bytes = pack(model);
    const runtime = load(bytes);
    const kernels = model.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.getWeights()[0].dataSync());
    const nonZeros = kernels.reduce((n, k) => n + k.filter((v) => v !== 0).length, 0);
    const total = kernels.reduce((n, k) => n + k.length, 0);
    expect(runtime.info!.sparsity).toBeCloseTo(1 - nonZeros / total, 10);
    // 4 bytes per non-zero index, plus row starts and per-output multiply/add.
    const payload = 4 * nonZeros + 4 * 4 * (64 * 3 + 10 + 4) * 2;
    expect(load(bytes, { kernels: 'scalar' }).bytes).toBeLessThan(payload);
    // The WebAssembly kernels' memory holds that payload once (indices rewritten in place) and the
    // activations of one sample and of 16, in whole 64 KiB pages.
    const activations = 4 * 17 * (784 + 64 * 3 + 10) + 64 * 16;
    expect(runtime.bytes).toBeLessThan(Math.ceil((payload + activations) / 65536) * 65536 + 1);
  });
});

describe('bad input', () => {
  const bytes = pack(ternaryModel('tfc', 2));
  const withCrc = (b: Uint8Array) => {
    const copy = b.slice();
    new DataView(copy.buffer).setUint32(copy.length - 4, crc32(copy.subarray(0, copy.length - 4)), true);
    return copy;
  };

  test('truncated, bit-flipped, other versions and non-packed files are PackedModelErrors', () => {
    expect(() => load(bytes.subarray(0, bytes.length - 10))).toThrow(/checksum mismatch/);
    const flipped = bytes.slice();
    flipped[200] ^= 4;
    expect(() => load(flipped)).toThrow(/checksum mismatch/);
    const v2 = bytes.slice();
    v2.set(new TextEncoder().encode('STPACK2\n'), 0);
    expect(() => load(withCrc(v2))).toThrow(/format version 2 is not supported/);
    expect(() => load(new TextEncoder().encode('{"not": "a model"} and more bytes'))).toThrow(/bad magic/);
    expect(() => load(new Uint8Array(3))).toThrow(PackedModelError);
  });

  const empty = () => ({ bytes: 0, concat: () => new Uint8Array(0) }) as unknown as PayloadWriter;
  const handMade = (inputShape: number[], layers: PackedLayer[], outputSize: number) => encodePacked({ inputShape, layers, outputSize }, empty());

  test("a pool layer whose output does not follow from its input (a 300-byte file that ran for minutes) is refused", () => {
    const forged = handMade([2, 2, 1], [{ type: 'pool', kind: 'max', inShape: [2, 2, 1], outShape: [4096, 4096, 1], pool: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0] }], 4096 * 4096);
    expect(forged.length).toBeLessThan(400);
    expect(() => load(forged)).toThrow(new PackedModelError('layer 0 (pool): output [4096,4096,1] does not follow from its input [2,2,1], window, strides and pads'));
    const honest = load(handMade([2, 2, 1], [{ type: 'pool', kind: 'max', inShape: [2, 2, 1], outShape: [1, 1, 1], pool: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0] }], 1));
    expect(Array.from(honest.predictOne(Float32Array.of(1, 4, 2, 3)))).toEqual([4]);
  });

  test('a model that would hold more memory than allowed is refused from its sizes, before anything is allocated', () => {
    const big = handMade([1024, 1024, 1], [{ type: 'relu' }], 1024 * 1024);
    // One 4 MiB activation: the reference needs that, the WebAssembly kernels the input's copy as well.
    expect(() => load(big, { maxMemoryBytes: 3 << 20 })).toThrow(new PackedModelError("the model needs 4.0 MiB to run, over the limit of 3.0 MiB (load's maxMemoryBytes)"));
    expect(() => load(big, { maxMemoryBytes: 6 << 20, kernels: 'wasm' })).toThrow(new PackedModelError("the model needs 8.0 MiB to run with the WebAssembly kernels, over the limit of 6.0 MiB (load's maxMemoryBytes)"));
    expect(load(big, { maxMemoryBytes: 6 << 20 }).kernels).toBe('scalar');
    expect(load(big).predictOne(new Float32Array(1024 * 1024).fill(-1)).every((v) => v === 0)).toBe(true);
    // The default limit (256 MiB) refuses a 100-byte file that asks for gigabytes.
    expect(() => load(handMade([8192, 8192, 2], [{ type: 'relu' }], 8192 * 8192 * 2))).toThrow(/needs 512\.0 MiB to run, over the limit of 256\.0 MiB/);
  });

  test("every number of LeNet-5's header (conv, pool, dense) set to 0, -1, 1.5, 2^31 or 1e10 loads as a model or is a PackedModelError", () => {
    const bytes = pack(ternaryModel('lenet5', 2));
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
    const payload = bytes.subarray(12 + headerLength, bytes.length - 4);
    // Paths to every number in the header.
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, at: (string | number)[]) => {
      if (typeof value === 'number') paths.push(at);
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, Array.isArray(value) ? Number(k) : k]);
    };
    walk(header, []);
    let refused = 0;
    for (const at of paths) {
      for (const replacement of [0, -1, 1.5, 2 ** 31, 1e10]) {
        const edited = structuredClone(header);
        at.slice(0, -1).reduce((o, k) => o[k], edited)[at[at.length - 1]] = replacement;
        const json = new TextEncoder().encode(JSON.stringify(edited));
        const file = new Uint8Array(12 + json.length + payload.length + 4);
        file.set(bytes.subarray(0, 8));
        new DataView(file.buffer).setUint32(8, json.length, true);
        file.set(json, 12);
        file.set(payload, 12 + json.length);
        try {
          load(withCrc(file)).predictOne(new Float32Array(784).fill(0.5));
        } catch (error) {
          if (!(error instanceof PackedModelError)) throw new Error(`${at.join('.')} = ${replacement}: ${(error as Error).stack}`);
          refused++;
        }
      }
    }
    expect(paths.length).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(paths.length);
  });

  test('inputs that do not fit are InputErrors', () => {
    const runtime = load(bytes);
    expect(() => runtime.predictOne(new Float32Array(10))).toThrow(new InputError('input has 10 values; 1 samples of [28,28,1] need 784'));
    expect(() => runtime.predict(new Float32Array(784 * 2), 3)).toThrow(InputError);
  });

  test('layers the runtime does not run are PackErrors naming them', () => {
    const input = tfl.input({ shape: [4] });
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2, activation: 'elu', name: 'odd' }).apply(input) as tfl.SymbolicTensor });
    expect(() => pack(model)).toThrow(new PackError("activation 'elu' is not supported by the runtime", 'odd'));
    const image = tfl.input({ shape: [4, 4, 2] });
    const depthwise = tfl.model({ inputs: image, outputs: tfl.layers.depthwiseConv2d({ kernelSize: 3, name: 'dw', depthwiseInitializer: 'glorotUniform' }).apply(image) as tfl.SymbolicTensor });
    expect(() => pack(depthwise)).toThrow(new PackError('DepthwiseConv2D with float weights is not packed (it would be stored as a full convolution); quantize it first', 'dw'));
    const transposed = tfl.model({ inputs: image, outputs: tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 3, name: 'up' }).apply(image) as tfl.SymbolicTensor });
    expect(() => pack(transposed)).toThrow(new PackError('Conv2DTranspose layers (transposed convolutions) are not packed by the runtime yet', 'up'));
  });

  test('fuzz: 3,000 mutations with a valid checksum load as a model or fail with PackedModelError, never reading out of bounds', () => {
    const random = seededRandom(77);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const headerEnd = 12 + headerLength;
    let loaded = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const mutated = bytes.slice();
      // Half in the header (JSON), half in the payload (indices, row starts, scales).
      const [start, end] = i % 2 ? [12, headerEnd] : [headerEnd, bytes.length - 4];
      for (let f = 1 + Math.floor(random() * 3); f > 0; f--) mutated[start + Math.floor(random() * (end - start))] ^= 1 << Math.floor(random() * 8);
      try {
        const runtime = load(withCrc(mutated));
        runtime.predictOne(new Float32Array(784).fill(0.5));
        runtime.predict(new Float32Array(3 * 784).fill(0.5), 3);
        loaded++;
      } catch (error) {
        if (!(error instanceof PackedModelError)) throw new Error(`mutation ${i}: ${(error as Error).stack}`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(500);
    expect(loaded).toBeGreaterThan(100);
  });
});

test('BatchNorm after a weight layer folds into its multiply and add: no affine layer is left', () => {
  const model = ternaryModel('cnv', 2);
  const bytes = pack(model);
  const { header } = decodePacked(bytes);
  expect(header.layers.filter((l) => l.type === 'affine')).toEqual([]);
  expect(header.layers.filter((l) => l.type === 'conv' || l.type === 'dense')).toHaveLength(9);
  const [h, w, c] = header.inputShape;
  const input = Float32Array.from({ length: 2 * h * w * c }, (_, i) => (i % 7) / 7);
  const expected = tf.tidy(() => (model.predict(tf.tensor(input, [2, h, w, c])) as tf.Tensor).dataSync());
  expect(maxDifference(load(bytes).predict(input, 2), expected)).toBeLessThan(1e-5);
});

test.each(['mlp.onnx', 'lenet.onnx'])('a PyTorch export imported with @sparse-ternary/onnx (%s: Reshape or Flatten, Gemm, BatchNorm) packs, ternarized, and runs as TF.js does', (file) => {
  const { model } = importOnnx(fixture('models', file));
  ternarizeModel(model, twnQuantizer(0.7));
  const runtime = load(pack(model));
  const [h, w, c] = runtime.inputShape;
  const input = Float32Array.from({ length: 4 * h * w * c }, (_, i) => ((i * 37) % 101) / 101);
  const expected = tf.tidy(() => (model.predict(tf.tensor(input, [4, ...(model.inputs[0].shape.slice(1) as number[])])) as tf.Tensor).dataSync());
  expect(maxDifference(runtime.predict(input, 4), expected)).toBeLessThan(1e-5);
  model.dispose();
});

test("a Node Buffer (readFileSync's, or a slice of a larger one) loads like the bytes it holds", () => {
  const bytes = pack(ternaryModel('tfc', 4));
  const pool = Buffer.alloc(bytes.length + 100);
  pool.set(bytes, 37);
  const sliced = pool.subarray(37, 37 + bytes.length);
  const input = Float32Array.from({ length: 784 }, (_, i) => (i % 13) / 13);
  expect(Array.from(load(sliced).predictOne(input))).toEqual(Array.from(load(bytes).predictOne(input)));
});

test("2x2 average pooling, 'same' padding, 3x3 windows at strides 1 and 2, 2x2 at stride 3 run in the WebAssembly kernels as in TF.js", () => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [17, 15, 2], filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 6, kernelSize: 2, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 3 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 4 }),
    ],
  });
  ternarizeModel(model, twnQuantizer(0.7));
  const bytes = pack(model);
  const input = Float32Array.from({ length: 3 * 17 * 15 * 2 }, (_, i) => ((i * 53) % 97) / 97 - 0.3);
  const expected = tf.tidy(() => (model.predict(tf.tensor(input, [3, 17, 15, 2])) as tf.Tensor).dataSync());
  const runtime = load(bytes, { kernels: 'wasm' });
  expect(maxDifference(runtime.predict(input, 3), expected)).toBeLessThan(1e-5);
  // Where the time goes: one entry per operation (ReLU fused; each pooling in the kernel its shape takes)
  const profile = runtime.profile(input.subarray(0, 17 * 15 * 2), 3);
  expect(profile.map((p) => p.operation)).toEqual([
    'to planes',
    'layer 0 conv (runs)',
    'layer 2 pool (2x2)',
    'layer 3 conv (runs)',
    'to planes',
    'layer 5 pool (windows)',
    'to phase planes',
    'layer 6 pool (windows)',
    'to phase planes',
    'layer 7 pool (windows)',
    'to channels-last',
    'layer 8 dense (gather)',
  ]);
  expect(profile.every((p) => p.ms >= 0)).toBe(true);
  model.dispose();
});

test('a residual network as PyTorch exports it (padding layers, a downsampling branch, Add, global pooling) packs and runs as TF.js does', () => {
  const input = tfl.input({ shape: [12, 12, 3] });
  const conv = (filters: number, kernelSize: number, strides = 1, padding: 'same' | 'valid' = 'same') => tfl.layers.conv2d({ filters, kernelSize, strides, padding, useBias: true });
  // The stem: explicit zero padding then a valid convolution, lowest-value padding then a max pooling.
  let x = conv(8, 3, 1, 'valid').apply(tfl.layers.zeroPadding2d({ padding: 1 }).apply(input)) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(new ConstantPadding2D({ padding: [[1, 1], [1, 1]], value: -3.4028234663852886e38 }).apply(x)) as tfl.SymbolicTensor;
  // A block with an identity shortcut, then one with a strided downsampling branch.
  const identity = tfl.layers.add().apply([conv(8, 3).apply(tfl.layers.reLU().apply(conv(8, 3).apply(x))) as tfl.SymbolicTensor, x]) as tfl.SymbolicTensor;
  const block = tfl.layers.reLU().apply(identity) as tfl.SymbolicTensor;
  const main = conv(16, 3).apply(tfl.layers.reLU().apply(conv(16, 3, 2).apply(block))) as tfl.SymbolicTensor;
  const shortcut = conv(16, 1, 2).apply(block) as tfl.SymbolicTensor;
  const out = tfl.layers.reLU().apply(tfl.layers.add().apply([main, shortcut])) as tfl.SymbolicTensor;
  const pooled = tfl.layers.reshape({ targetShape: [16] }).apply(tfl.layers.reshape({ targetShape: [1, 1, 16] }).apply(tfl.layers.globalAveragePooling2d({}).apply(out)));
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 5 }).apply(pooled) as tfl.SymbolicTensor });
  ternarizeModel(model, twnQuantizer(0.7));
  const bytes = pack(model);
  const { header } = decodePacked(bytes);
  expect(header.layers.filter((l) => l.type === 'add').length).toBe(2);
  expect(header.layers.some((l) => l.input !== undefined)).toBe(true);
  const samples = Float32Array.from({ length: 2 * 12 * 12 * 3 }, (_, i) => ((i * 29) % 83) / 83 - 0.4);
  const expected = tf.tidy(() => (model.predict(tf.tensor(samples, [2, 12, 12, 3])) as tf.Tensor).dataSync());
  for (const kernels of ['wasm', 'scalar'] as const) expect(maxDifference(load(bytes, { kernels }).predict(samples, 2), expected)).toBeLessThan(1e-5);
  // Every convolution (the strided ones on phase planes) and pooling in the kernels, the additions in planes.
  const operations = load(bytes).profile(samples.subarray(0, 12 * 12 * 3), 2).map((p) => p.operation);
  expect(operations.filter((o) => / (conv|pool|add)/.test(o)).map((o) => o.replace(/^layer \d+ /, ''))).toEqual(['conv (runs)', 'pool (windows)', 'conv (runs)', 'conv (runs)', 'add', 'conv (runs)', 'conv (runs)', 'conv (runs)', 'add', 'pool (windows)']);
  expect(operations.filter((o) => o === 'to phase planes')).toHaveLength(3);
  model.dispose();
});

test.each(['layer', 'channel'] as const)('depthwise and grouped convolutions, strided, with ReLU6 (MobileNet and ResNeXt blocks), a ternary scale per %s, pack and run as TF.js does', (scale) => {
  const input = tfl.input({ shape: [11, 10, 4] });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor) => layer.apply(x) as tfl.SymbolicTensor;
  let x = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }), input);
  const beforeCap = (x = apply(tfl.layers.batchNormalization(), x));
  x = apply(tfl.layers.reLU({ maxValue: 6 }), x);
  x = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }), x);
  x = apply(tfl.layers.reLU({ maxValue: 6 }), x);
  x = apply(new GroupedConv2D({ filters: 8, groups: 4, kernelSize: [3, 3], strides: [1, 1], dilationRate: [1, 1], padding: 'same', useBias: true }), x);
  x = apply(tfl.layers.activation({ activation: 'relu6' }), x);
  const output = apply(tfl.layers.dense({ units: 3 }), apply(tfl.layers.globalAveragePooling2d({}), x));
  const model = tfl.model({ inputs: input, outputs: output });
  const random = seededRandom(5);
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(Float32Array.from({ length: w.size }, () => (model.weights[i].name.includes('variance') ? 0.5 + random() : 2 * random() - 1)), w.shape)));
  const ternarized = ternarizeModel(model, twnQuantizer(0.7, scale));
  // Per channel, the kernels' non-zero magnitudes differ from channel to channel.
  expect(model.weights.filter((w) => /kernel/.test(w.name)).map((w) => new Set(Array.from(w.read().dataSync(), Math.abs)).size > 2)).toEqual(ternarized.layers.map(() => scale === 'channel'));
  const samples = Float32Array.from({ length: 3 * 11 * 10 * 4 }, (_, i) => ((i * 31) % 89) / 8 - 4);
  const batch = () => tf.tensor(samples, [3, 11, 10, 4]);
  // The cap matters: some activations before it are above 6.
  expect(tf.tidy(() => tf.max(tfl.model({ inputs: input, outputs: beforeCap }).predict(batch()) as tf.Tensor).dataSync()[0])).toBeGreaterThan(6);
  const expected = tf.tidy(() => (model.predict(batch()) as tf.Tensor).dataSync());
  const bytes = pack(model);
  const { header } = decodePacked(bytes);
  expect(header.layers.filter((l) => l.type === 'relu').map((l) => (l as { max?: number }).max)).toEqual([6, 6, 6]);
  // Every weight layer packed as ternary rows, its scales in the outputs' multiplies.
  expect(header.layers.filter((l) => l.type === 'conv' || l.type === 'dense').map((l) => 'ternary' in l)).toEqual([true, true, true, true]);
  // Sparsity over the kernels' own weights: the channels a depthwise or grouped output does not read are not zeros of the model.
  const kernels = model.weights.filter((w) => /kernel/.test(w.name));
  const zeros = kernels.reduce((sum, w) => sum + Array.from(w.read().dataSync()).filter((v) => v === 0).length, 0);
  const total = kernels.reduce((sum, w) => sum + w.read().size, 0);
  expect(header.info).toEqual({ weights: total, zeros, sparsity: zeros / total });
  const magnitude = Math.max(...expected.map(Math.abs));
  for (const kernels of ['wasm', 'scalar'] as const) expect(maxDifference(load(bytes, { kernels }).predict(samples, 3), expected) / magnitude).toBeLessThan(1e-5);
  const operations = load(bytes).profile(samples.subarray(0, 11 * 10 * 4), 2).map((p) => p.operation);
  expect(operations.filter((o) => /conv/.test(o))).toEqual(['layer 0 conv (runs)', 'layer 2 conv (runs)', 'layer 4 conv (runs)']);
  model.dispose();
});

test.each([
  ['unsigned 2-bit', { bits: 2, signed: false }],
  ['ternary (signed 2-bit)', { bits: 2, signed: true }],
  ['binary', { bits: 1, signed: true }],
] as const)('CNV with %s activations packs its quantizers and runs as TF.js does', (_, q) => {
  const { model } = quantizeActivations(ternaryModel('cnv', 4), { ...q, range: 'fixed', clip: 1.5 });
  const bytes = pack(model);
  expect(decodePacked(bytes).header.layers.filter((l) => l.type === 'quantize')).toEqual(Array(8).fill({ type: 'quantize', ...q, clip: 1.5 }));
  const random = seededRandom(8);
  const input = Float32Array.from({ length: 4 * 32 * 32 * 3 }, () => random());
  const expected = tf.tidy(() => (model.predict(tf.tensor(input, [4, 32, 32, 3])) as tf.Tensor).dataSync());
  for (const kernels of ['wasm', 'scalar'] as const) expect(maxDifference(load(bytes, { kernels }).predict(input, 4), expected)).toBeLessThan(1e-5);
});
