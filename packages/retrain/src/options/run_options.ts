// The options of a compression run, declared once: the CLI's flags, its --config files and the
// run.json beside each run, their JSON Schema, and the notebook's fields all come from this table.
// A new option is one entry here (and its use in compressOptionsOf, if it changes training).
import { ACTIVATION_BITS, ACTIVATION_RANGES, BACKEND_CHOICES, type ActivationQuantization } from '@sparse-ternary/engine';
import { DATASET_NAMES, parseImageSize, type Augmentation, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import { COST_MEASURES } from '@sparse-ternary/hw-cost';
import { TOPOLOGIES } from '@sparse-ternary/models';
import { targetSparsityQuantizer, TERNARY_SCALES, twnQuantizer } from '@sparse-ternary/quantize-prune';
import { l2, qtrCost, qtrDeadzone, type Regularizer } from '@sparse-ternary/regularizers';
import type { CompressOptions } from '../compress';
import { METHODS } from '../methods';
import { OPTIMIZERS } from '../optimizer';
import { LR_SCHEDULES } from '../learning_rate';
import { TEST_TIME_AUGMENTATIONS } from '../evaluate';
import type { Teacher } from '../distillation';
import { TRAINING_STEPS } from '../training_steps';
import { KEEP_CHOICES } from '../best_epoch';
import type { RunConfiguration } from '../resume_state';
import { channelValues, PRESET_NAMES } from './mean_std';
import { defaultsOf, OptionError, type ConfigOf, type OptionTable } from './option_table';

/** Stage 1's quantization threshold regularizers by name (the QTR family: docs/qtr.md). */
const QTR_VARIANTS: Readonly<Record<'cost' | 'deadzone', (lambda: number) => Regularizer>> = { cost: qtrCost, deadzone: qtrDeadzone };

const TOPOLOGY_NAMES = Object.keys(TOPOLOGIES);
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const fraction = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } as const;
const epochs = { type: 'integer', minimum: 0 } as const;

/**
 * The defaults are the embedded demo: FINN's LFC on the embedded MNIST 8k/2k split, all three
 * stages. The QTR variant and the threshold rule are the winners of the experiments
 * (docs/results.md): no QTR and a per-layer target sparsity beat qtr-cost and qtr-deadzone at
 * matched sparsity on validation accuracy, and a target sparsity cannot empty a layer as a high t can.
 */
export const RUN_OPTIONS = {
  model: { flag: '-m, --model <name|file.onnx>', type: 'string', default: 'lfc', suggestions: TOPOLOGY_NAMES, group: 'model', help: `a topology (${TOPOLOGY_NAMES.join(', ')}) or a pretrained .onnx file` },
  width: { flag: '--width <multiplier>', ...positive, default: 1, group: 'model', help: 'width multiplier of a built-in topology' },
  replaceHead: { flag: '--replace-head', type: 'boolean', default: false, group: 'model', help: 'when the model predicts other classes than the data has (an ImageNet model on your 10 classes): replace its final dense layer by a new one, seeded, trained with the rest' },
  restoreBatchNorm: {
    flag: '--restore-batch-norm',
    type: 'boolean',
    default: true,
    group: 'model',
    help: 'give each convolution without a BatchNorm one, calibrated on 256 training images (PyTorch exports fold BatchNorm into the convolutions, and one ternary scale per layer cannot hold their per-channel scales)',
    negation: 'keep the convolutions of the model as they are',
  },
  actBits: {
    flag: '--act-bits <bits>',
    type: 'integer',
    choices: ACTIVATION_BITS,
    default: 32,
    group: 'model',
    help: "the hidden activations' precision: 32 (float), 8, 4 or 2 bits (evenly spaced levels up to a clipping range: a quantized ReLU), 1 (binary: the sign); every hidden ReLU is quantized, the classifier's output stays float",
  },
  actSigned: { flag: '--act-signed', type: 'boolean', default: false, group: 'model', help: "quantized activations with levels symmetric about 0 (a quantized hard tanh in the ReLU's place; 2 bits is ternary) rather than a quantized ReLU; binary ones are signed" },
  actRange: {
    flag: '--act-range <how>',
    type: 'string',
    choices: ACTIVATION_RANGES,
    default: 'learned',
    group: 'model',
    help: "the clipping range of each quantized activation: fixed (--act-clip), calibrated (least squared error on the float model's activations on 256 training images) or learned (calibrated, then trained with the weights: PACT's gradient)",
  },
  actClip: { flag: '--act-clip <c>', ...positive, default: 1, group: 'model', help: 'with --act-range fixed: the clipping range of quantized activations (levels from 0, or -c, to c)' },
  data: {
    flag: '-d, --data <name|folder>',
    type: 'string',
    default: 'mnist-10k',
    suggestions: DATASET_NAMES,
    group: 'data',
    help: `${DATASET_NAMES.join(', ')}, a folder of their files, or a folder of images (train/<class>/*.png|jpg and test/ or val/; or <class>/ folders, 20% held out for testing)`,
  },
  inputSize: { flag: '--input-size <n|h,w>', type: 'string', group: 'data', check: parseImageSize, help: "for a folder of images: resize (shorter side) and centre-crop to this size (default: the model's input size)" },
  scale: { flag: '--scale <scaling>', type: 'string', choices: ['unit', 'symmetric'], default: 'unit', group: 'data', help: 'pixel scaling without a mean and std: unit ([0, 1]) or symmetric ([-1, 1])' },
  mean: { flag: '--mean <preset|values>', type: 'string', group: 'data', check: (v) => void channelValues(v, 'mean'), help: `normalize (x/255 - mean) / std per channel: ${PRESET_NAMES}, or r,g,b` },
  std: { flag: '--std <preset|values>', type: 'string', group: 'data', check: (v) => void channelValues(v, 'std'), help: `with a mean: ${PRESET_NAMES}, or r,g,b (default: the mean preset's, else 1)` },
  validation: { flag: '--validation <n>', ...epochs, default: 0, group: 'data', help: 'hold out n training images (a seeded split) and report the accuracy on them, to choose hyperparameters without the test set' },
  validationSeed: {
    flag: '--validation-seed <n>',
    type: 'integer',
    group: 'data',
    help: "seed of the validation split (default: --seed); fixed, every seed of a sweep holds out the same images, and a model pretrained elsewhere can leave them out (tools/experiments/cifar10/train_pytorch.py's --validation-seed)",
  },
  tta: {
    flag: '--tta <how>',
    type: 'string',
    choices: TEST_TIME_AUGMENTATIONS,
    default: 'none',
    group: 'data',
    help: 'test-time augmentation: flip also reports the test accuracy of the mean output on each image and its mirror image, beside the plain one (never used to choose)',
  },
  method: { flag: '--method <method>', type: 'string', choices: METHODS, default: 'sparse-ternary', group: 'method', help: 'the float, binary and dense ternary (twn) baselines, this method, or magnitude pruning then ternary retraining' },
  batchSize: { flag: '-b, --batch-size <n>', type: 'integer', exclusiveMinimum: 0, default: 100, group: 'training', help: 'batch size' },
  learningRate: { flag: '--lr <rate>', ...positive, default: 3e-3, group: 'training', help: 'learning rate' },
  lrSchedule: {
    flag: '--lr-schedule <name>',
    type: 'string',
    choices: LR_SCHEDULES,
    default: 'constant',
    group: 'training',
    help: 'the learning rate over each stage, from --lr: constant, cosine (to 0 at the stage\'s end), one-cycle (torch\'s OneCycleLR) or step (x0.1 at half and three quarters of the stage), per step',
  },
  warmupEpochs: { flag: '--warmup-epochs <n>', type: 'number', minimum: 0, default: 0, group: 'training', help: 'epochs of linear warmup at the start of each stage (one-cycle: of its rise, else 30% of the stage)' },
  optimizer: { flag: '--optimizer <name>', type: 'string', choices: OPTIMIZERS, default: 'adam', group: 'training', help: 'the optimizer (momentum and nesterov: SGD with momentum 0.9)' },
  weightDecay: { flag: '--weight-decay <d>', type: 'number', minimum: 0, default: 0, group: 'training', help: "weight decay on the convolution and dense kernels, not on BatchNorm's parameters or biases, as torchvision's recipes (torch's weight_decay: the gradient plus d w)" },
  labelSmoothing: { flag: '--label-smoothing <e>', type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, group: 'training', help: 'smooth the one-hot labels: (1 - e) y + e / classes' },
  distill: {
    flag: '--distill',
    type: 'boolean',
    default: false,
    group: 'training',
    help: 'learn from the float model the run starts from (a pretrained --model) as well as the labels: (1 - w) cross-entropy + w T^2 KL(teacher || student) at temperature T, in stage 1, stage 3 and the baselines',
  },
  distillTemperature: { flag: '--distill-temperature <T>', ...positive, default: 4, group: 'training', help: "the temperature T of distillation's softened probabilities" },
  distillWeight: { flag: '--distill-weight <w>', type: 'number', minimum: 0, maximum: 1, default: 0.5, group: 'training', help: "the weight w of distillation's term (1 - w: the labels')" },
  trainingStep: {
    flag: '--training-step <how>',
    type: 'string',
    choices: TRAINING_STEPS,
    default: 'auto',
    group: 'run',
    help: "auto: each step compiled into one onnxruntime graph where the model allows it (dense, convolution incl. strided, grouped and depthwise, BatchNorm, ReLU, ReLU6, tanh, sigmoid, dropout, max and global average pooling, padding, reshape, residual additions; Adam, SGD, momentum), else kernel by kernel; compiled insists; kernels never compiles",
  },
  keep: {
    flag: '--keep <epoch>',
    type: 'string',
    choices: KEEP_CHOICES,
    default: 'last',
    group: 'training',
    help: "each stage ends with the weights of its last epoch, or of its best by validation accuracy (needs --validation; its checkpoint kept in the stage's checkpoints/best)",
  },
  patience: { flag: '--patience <n>', ...epochs, default: 0, group: 'training', help: 'stop a stage after n epochs without a better validation accuracy (needs --validation; 0: never)' },
  l2: { flag: '--l2 <lambda>', type: 'number', minimum: 0, default: 0, group: 'training', help: 'L2 strength' },
  augment: { flag: '--augment', type: 'boolean', default: false, group: 'training', help: 'augment the training images: random 4-pixel-padded crops and horizontal flips (for CIFAR)' },
  seed: { flag: '--seed <n>', type: 'integer', default: 1, group: 'model', help: 'seed of weights, shuffling and augmentation' },
  stage0Epochs: { flag: '--stage0-epochs <n>', ...epochs, default: 0, group: 'stage0', help: 'float pretraining epochs before stage 1' },
  stage1Epochs: { flag: '--stage1-epochs <n>', ...epochs, default: 4, group: 'stage1', help: 'stage 1 epochs (the baselines train stage 1 + stage 3 epochs)' },
  qtr: { flag: '--qtr <variant>', type: 'string', choices: ['none', ...(Object.keys(QTR_VARIANTS) as (keyof typeof QTR_VARIANTS)[])], default: 'none', group: 'stage1', methods: ['sparse-ternary'], help: "stage 1's quantization threshold regularizer" },
  qtrLambda: { flag: '--qtr-lambda <lambda>', type: 'number', minimum: 0, default: 2e-5, group: 'stage1', methods: ['sparse-ternary'], help: "the regularizer's strength" },
  t: { flag: '-t, --threshold-factor <t>', ...positive, default: 0.7, group: 'stage1', methods: ['twn', 'sparse-ternary', 'prune-then-quantize'], help: 'ternary threshold Delta = t * mean|w| instead of a target sparsity; twn always uses t' },
  targetSparsity: { flag: '--target-sparsity <s>', ...fraction, default: 0.95, clearable: true, group: 'stage1', methods: ['sparse-ternary', 'prune-then-quantize'], help: 'a per-layer threshold that zeroes this fraction of its weights' },
  hardwareCost: { flag: '--hardware-cost <measure>', type: 'string', choices: ['none', ...COST_MEASURES], default: 'none', group: 'stage1', help: 'weigh the regularizers per layer by the hardware cost of a non-zero' },
  ternaryScale: {
    flag: '--ternary-scale <per>',
    type: 'string',
    choices: TERNARY_SCALES,
    default: 'layer',
    group: 'stage1',
    help: "the scale alpha of binary and ternary weights: one per layer (TWN's), or one per output channel (alpha_c = mean |w| over channel c's kept weights; the threshold stays the layer's)",
  },
  pruneSparsity: { flag: '--prune-sparsity <s>', ...fraction, default: 0.9, group: 'prune', methods: ['prune-then-quantize'], help: 'the magnitude pruning sparsity' },
  stage3Epochs: { flag: '--stage3-epochs <n>', ...epochs, default: 2, group: 'stage3', help: 'stage 3 epochs' },
  backend: { flag: '--backend <name>', type: 'string', choices: BACKEND_CHOICES, default: 'auto', group: 'run', help: 'compute backend' },
  threads: { flag: '--threads <n>', type: 'integer', exclusiveMinimum: 0, group: 'run', help: "compute threads (default: the machine's cores; a sweep gives each run its share)" },
  out: { flag: '-o, --out <folder>', type: 'string', default: 'out', group: 'run', help: 'output folder' },
  tensorboard: { flag: '--tensorboard', type: 'boolean', default: false, group: 'run', help: "also write every epoch's metrics as TensorBoard event files in <out>/tensorboard (tensorboard --logdir <out>/tensorboard)" },
  pack: {
    flag: '--pack',
    type: 'boolean',
    default: true,
    group: 'run',
    help: 'write model.stpack beside the ONNX exports: the packed model @sparse-ternary/runtime runs in Node and browsers (a model with layers it cannot pack gets a warning instead)',
    negation: 'do not write model.stpack',
  },
} as const satisfies OptionTable;

export type RunOptionName = keyof typeof RUN_OPTIONS;
export type RunConfig = ConfigOf<typeof RUN_OPTIONS>;
export const DEFAULT_CONFIG: Readonly<RunConfig> = defaultsOf(RUN_OPTIONS);

/**
 * Defaults, then each source in turn (a config file, then flags). The threshold rule (t or a
 * target sparsity) comes whole from the last source that sets either: `-t 2` alone means
 * Delta = 2 mean|w|, not the default target sparsity.
 */
export function mergeConfig(...sources: Partial<RunConfig>[]): RunConfig {
  const defined = sources.map((source) => Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined)) as Partial<RunConfig>);
  const merged: RunConfig = Object.assign({}, DEFAULT_CONFIG, ...defined);
  const rule = [...defined].reverse().find((source) => source.t !== undefined || source.targetSparsity !== undefined);
  if (rule && rule.targetSparsity === undefined) delete merged.targetSparsity;
  return merged;
}

/** The activations' quantization a configuration asks for; undefined for float activations. */
export const activationQuantizationOf = (config: RunConfig): ActivationQuantization | undefined =>
  config.actBits === 32 ? undefined : { bits: config.actBits, signed: config.actSigned, range: config.actRange, clip: config.actClip };

/** The seed of a run's validation split: its own when given, else the run's seed. */
export const validationSeedOf = (config: RunConfig): number => config.validationSeed ?? config.seed;

/** The options that change what a run trains: all but where it writes and which backend computes. */
export const trainingConfiguration = (config: RunConfig): RunConfiguration =>
  Object.fromEntries(Object.entries(config).filter(([key]) => RUN_OPTIONS[key as RunOptionName].group !== 'run'));

/** What a run's configuration does not say: its data, where checkpoints go, who listens, and the teacher --distill learns from (teacherOf the model as the run starts). */
export type RunContext = Pick<CompressOptions, 'test' | 'validation' | 'tensors' | 'checkpointDir' | 'resume' | 'signal' | 'onWarning' | 'onStageStart' | 'onBatchEnd' | 'onEpochEnd'> & { teacher?: Teacher };

const CIFAR_AUGMENTATION: Augmentation = { pad: 4, flip: true };

/** compress()'s options for a configuration: the one mapping the CLI, the notebook and sweeps use. */
export function compressOptionsOf(config: RunConfig, { teacher, ...context }: RunContext & { test: LabeledImages; tensors: TensorOptions }): CompressOptions {
  if (config.distill && config.stage0Epochs > 0) throw new OptionError('distill', 'distill learns from the model the run starts from; with stage0Epochs that is an untrained one: distill from a pretrained model, without stage 0');
  if (config.distill && !teacher) throw new OptionError('distill', 'distill needs the teacher, the model as the run starts (teacherOf)');
  for (const key of ['keep', 'patience'] as const) {
    if (config[key] !== DEFAULT_CONFIG[key] && !config.validation) throw new OptionError(key, `${key} (${RUN_OPTIONS[key].flag}) chooses on validation images: hold some out (validation, --validation <n>)`);
  }
  return {
    method: config.method,
    epochs: { stage0: config.stage0Epochs, stage1: config.stage1Epochs, stage3: config.stage3Epochs },
    batchSize: config.batchSize,
    optimizer: config.optimizer,
    trainingStep: config.trainingStep,
    learningRate: { schedule: config.lrSchedule, rate: config.learningRate, warmupEpochs: config.warmupEpochs },
    seed: config.seed,
    augment: config.augment ? CIFAR_AUGMENTATION : undefined,
    labelSmoothing: config.labelSmoothing,
    weightDecay: config.weightDecay,
    keep: config.keep,
    patience: config.patience,
    ...(config.distill ? { distillation: { temperature: config.distillTemperature, weight: config.distillWeight, teacher: teacher! } } : {}),
    // TWN is defined by its threshold factor; the other methods take the target sparsity when set.
    quantizer: config.targetSparsity !== undefined && config.method !== 'twn' ? targetSparsityQuantizer(config.targetSparsity, config.ternaryScale) : twnQuantizer(config.t, config.ternaryScale),
    regularizers: [...(config.l2 > 0 ? [l2(config.l2)] : []), ...(config.qtr === 'none' ? [] : [QTR_VARIANTS[config.qtr](config.qtrLambda)])],
    pruneSparsity: config.pruneSparsity,
    hardwareCost: config.hardwareCost === 'none' ? undefined : config.hardwareCost,
    configuration: trainingConfiguration(config),
    ...context,
  };
}
