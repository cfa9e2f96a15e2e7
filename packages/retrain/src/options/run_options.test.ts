import type { LabeledImages } from '@sparse-ternary/datasets';
import { configFromJson, configJsonSchema, OptionError, parseValue, type OptionTable } from './option_table';
import { compressOptionsOf, DEFAULT_CONFIG, mergeConfig, RUN_OPTIONS, trainingConfiguration, validationSeedOf } from './run_options';
import { pixelScaling } from './mean_std';

const test1: LabeledImages = { images: new Uint8Array(4), labels: new Uint8Array(1), imageShape: [2, 2, 1], count: 1, numClasses: 2 };
const context = { test: test1, tensors: { scale: 'unit' as const } };

describe('mergeConfig: defaults, then the config file, then the flags', () => {
  test('the defaults use a target sparsity of 0.95 without QTR', () => {
    expect(mergeConfig()).toMatchObject({ qtr: 'none', targetSparsity: 0.95, t: 0.7, stage1Epochs: 4, stage3Epochs: 2, model: 'lfc', data: 'mnist-10k' });
  });

  test('-t alone replaces the default target sparsity with Delta = t mean|w|', () => {
    const config = mergeConfig({}, { t: 2 });
    expect(config.t).toBe(2);
    expect(config.targetSparsity).toBeUndefined();
  });

  test('the threshold rule comes whole from the last source that sets one', () => {
    expect(mergeConfig({ t: 2 }, {}).targetSparsity).toBeUndefined();
    expect(mergeConfig({ t: 2 }, { targetSparsity: 0.9 })).toMatchObject({ t: 2, targetSparsity: 0.9 });
    // a resolved run.json holds both; resuming it keeps its target sparsity
    expect(mergeConfig({ t: 0.7, targetSparsity: 0.98 }, { seed: 4 })).toMatchObject({ targetSparsity: 0.98, seed: 4 });
    expect(mergeConfig({ t: 0.7, targetSparsity: 0.98 }, { t: 1.5 }).targetSparsity).toBeUndefined();
    expect(mergeConfig({ qtr: 'cost' }, {})).toMatchObject({ qtr: 'cost', targetSparsity: DEFAULT_CONFIG.targetSparsity });
  });

  test('an undefined value in a source does not hide the default', () => {
    expect(mergeConfig({ seed: undefined }).seed).toBe(1);
  });
});

describe('values, from flags, forms or JSON, checked by their declaration', () => {
  test.each([
    ['batchSize', '0', /expected a positive integer/],
    ['batchSize', 2.5, /expected a positive integer/],
    ['stage1Epochs', -1, /expected a whole number \(0 or more\)/],
    ['learningRate', 'abc', /expected a positive number/],
    ['l2', -1, /expected a number >= 0/],
    ['targetSparsity', 1, /expected a fraction between 0 and 1/],
    ['seed', 1.5, /expected an integer/],
    ['method', 'magic', /expected one of float, binary, twn, sparse-ternary, prune-then-quantize/],
    ['augment', 'no', /expected true or false/],
    ['model', '', /expected a non-empty string/],
    ['model', 3, /expected a non-empty string/],
    ['inputSize', '6,x', /expected n or height,width/],
    ['std', 'imagenet,2', /expected imagenet, cifar10, unit or comma-separated positive numbers/],
    ['lrSchedule', 'linear', /expected one of constant, cosine, one-cycle, step/],
    ['labelSmoothing', 1, /expected a number >= 0 and < 1/],
    ['distillWeight', 1.5, /expected a number >= 0 and <= 1/],
    ['seed', [1], /expected a single value/],
  ] as const)('%s = %j is refused', (key, value, message) => {
    expect(() => parseValue(RUN_OPTIONS[key], value)).toThrow(message);
  });

  test('a string names the number or switch it holds', () => {
    expect(parseValue(RUN_OPTIONS.learningRate, '5e-4')).toBe(5e-4);
    expect(parseValue(RUN_OPTIONS.augment, 'true')).toBe(true);
    expect(parseValue(RUN_OPTIONS.mean, 'imagenet')).toBe('imagenet');
  });

  test('a JSON config: known keys only, each value checked and used as parsed, "$schema" allowed', () => {
    expect(configFromJson(RUN_OPTIONS, { $schema: 'x', seed: '4', augment: 'true', qtr: 'cost' }, 'run.json')).toEqual({ seed: 4, augment: true, qtr: 'cost' });
    expect(() => configFromJson(RUN_OPTIONS, { sed: 4, lrate: 1 }, 'c.json')).toThrow('c.json: unknown options sed (did you mean seed?), lrate');
    // Keys every object has are not options.
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      expect(() => configFromJson(RUN_OPTIONS, JSON.parse(`{"${key}": 1}`), 'c.json')).toThrow(`c.json: unknown option ${key}`);
    }
    expect(() => configFromJson(RUN_OPTIONS, { width: -1 }, 'c.json')).toThrow('option width = -1: expected a positive number');
    expect(() => configFromJson(RUN_OPTIONS, [1], 'c.json')).toThrow(OptionError);
  });
});

describe('compressOptionsOf: the one mapping of a configuration to compress()', () => {
  test('the defaults: a target-sparsity quantizer, no regularizers, the demo epochs', () => {
    const options = compressOptionsOf(mergeConfig(), context);
    expect(options).toMatchObject({ method: 'sparse-ternary', epochs: { stage0: 0, stage1: 4, stage3: 2 }, batchSize: 100, optimizer: 'adam', learningRate: { schedule: 'constant', rate: 3e-3, warmupEpochs: 0 }, seed: 1, regularizers: [], augment: undefined, hardwareCost: undefined, labelSmoothing: 0, weightDecay: 0 });
    expect(options.distillation).toBeUndefined();
    expect(options.quantizer!.name).toMatch(/0\.95/);
    expect(options.test).toBe(test1);
  });

  test('QTR and L2 become regularizers, only QTR sparsifying; twn keeps its t; augment is CIFAR\'s', () => {
    const options = compressOptionsOf(mergeConfig({ qtr: 'deadzone', qtrLambda: 1e-4, l2: 5e-4, augment: true, hardwareCost: 'memory' }), context);
    expect(options.regularizers!.map((r) => [r.name, r.sparsifying ?? false])).toEqual([[expect.stringMatching(/l2/), false], [expect.stringMatching(/deadzone/), true]]);
    expect(options).toMatchObject({ augment: { pad: 4, flip: true }, hardwareCost: 'memory' });
    const twn = compressOptionsOf(mergeConfig({ method: 'twn', t: 1.2 }), context);
    expect(twn.quantizer!.name).toBe('twn(t=1.2)');
  });

  test("the training recipe: each stage's schedule, the optimizer's decay, smoothing, and distillation from the teacher the context gives", () => {
    const teacher = { probabilities: () => new Float32Array(0), dispose: () => undefined };
    const config = mergeConfig({ lrSchedule: 'one-cycle', learningRate: 0.1, warmupEpochs: 2, optimizer: 'nesterov', weightDecay: 5e-4, labelSmoothing: 0.1, distill: true, distillTemperature: 3, distillWeight: 0.8 });
    const options = compressOptionsOf(config, { ...context, teacher });
    expect(options).toMatchObject({ learningRate: { schedule: 'one-cycle', rate: 0.1, warmupEpochs: 2 }, optimizer: 'nesterov', weightDecay: 5e-4, labelSmoothing: 0.1 });
    expect(options.distillation).toEqual({ temperature: 3, weight: 0.8, teacher });
    expect(() => compressOptionsOf(config, context)).toThrow(/distill needs the teacher/);
    expect(() => compressOptionsOf({ ...config, stage0Epochs: 2 }, { ...context, teacher })).toThrow(/with stage0Epochs that is an untrained one/);
  });

  test('the validation split has its own seed when given, else the run\'s', () => {
    expect(validationSeedOf(mergeConfig({ seed: 3 }))).toBe(3);
    expect(validationSeedOf(mergeConfig({ seed: 3, validationSeed: 0 }))).toBe(0);
  });

  test("checkpoints record what a run trains: not where it writes or which backend computes", () => {
    const configuration = trainingConfiguration(mergeConfig({ out: 'x', backend: 'cpu', seed: 3 }));
    expect(configuration).not.toHaveProperty('out');
    expect(configuration).not.toHaveProperty('backend');
    expect(configuration).toMatchObject({ seed: 3, model: 'lfc' });
  });
});

test('pixel scaling: presets stand for both values, grey images average an RGB preset, a wrong count names the option', () => {
  expect(pixelScaling({ scale: 'symmetric' }, 3)).toBe('symmetric');
  expect(pixelScaling({ scale: 'unit', mean: 'imagenet' }, 3)).toEqual({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  const grey = pixelScaling({ scale: 'unit', mean: 'imagenet' }, 1) as { mean: number[] };
  expect(grey.mean[0]).toBeCloseTo((0.485 + 0.456 + 0.406) / 3, 12);
  expect(() => pixelScaling({ scale: 'unit', mean: '0.5,0.5' }, 1)).toThrow('mean has 2 values; the images have 1 channel');
});

describe('the JSON Schema comes from the declaration', () => {
  test('every option, with its type, range, choices and default; nothing else', () => {
    const schema = configJsonSchema(RUN_OPTIONS, 'id') as { properties: Record<string, Record<string, unknown>>; additionalProperties: boolean };
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', ...Object.keys(RUN_OPTIONS)].sort());
    expect(schema.properties.targetSparsity).toMatchObject({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.95 });
    expect(schema.properties.method).toMatchObject({ type: 'string', enum: ['float', 'binary', 'twn', 'sparse-ternary', 'prune-then-quantize'] });
    expect(schema.properties.learningRate.description).toMatch(/^--lr: learning rate/);
    expect(schema.additionalProperties).toBe(false);
  });

  test('an option added to the table shows up in the schema, with its checks in configFromJson', () => {
    const table = { ...RUN_OPTIONS, mixup: { flag: '--mixup <alpha>', type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, group: 'training', help: 'mixup' } } as const satisfies OptionTable;
    const schema = configJsonSchema(table, 'id') as { properties: Record<string, unknown> };
    expect(schema.properties.mixup).toEqual({ type: 'number', description: '--mixup: mixup', default: 0, minimum: 0, exclusiveMaximum: 1 });
    expect(configFromJson(table, { mixup: 0.1 }, 'c.json')).toEqual({ mixup: 0.1 });
    expect(() => configFromJson(table, { mixup: 1 }, 'c.json')).toThrow('option mixup = 1: expected a number >= 0 and < 1');
  });
});
