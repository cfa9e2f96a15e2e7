import type * as tfl from '@tensorflow/tfjs-layers';
import { quantizedActivationsOf, type QuantizedActivationSummary } from '@sparse-ternary/engine';
import type { Augmentation, LabeledImages, TensorOptions } from '@sparse-ternary/datasets';
import {
  quantizationPrune,
  ternarizeModel,
  twnQuantizer,
  type LayerPolicy,
  type LayerStats,
  type Masks,
  type Quantizer,
  type SparsityReport,
} from '@sparse-ternary/quantize-prune';
import { costReport, nonZeroCosts, type CostMeasure, type CostReport } from '@sparse-ternary/hw-cost';
import type { Regularizer } from '@sparse-ternary/regularizers';
import path from 'node:path';
import { accuracy } from './evaluate';
import type { DistillationOptions } from './distillation';
import { TrainingError } from './errors';
import { weightHistograms, type WeightHistogram } from './histogram';
import type { LearningRateSchedule, StageSchedule } from './learning_rate';
import type { OptimizerName } from './optimizer';
import type { RunConfiguration } from './resume_state';
import { METHOD_PLANS, type Method } from './methods';
import { STAGES, type Stage } from './stages';
import type { Keep } from './best_epoch';
import { train, type BatchProgress, type EpochProgress, type TrainResult } from './train';
import type { TrainingStepChoice } from './training_steps';


export interface CompressOptions {
  method?: Method;
  /**
   * Epochs of stage 1 (training) and stage 3 (retraining with the mask); baselines train for their
   * sum. `stage0` first trains the float model (for a model that is not pretrained).
   */
  epochs: { stage0?: number; stage1: number; stage3: number };
  batchSize: number;
  optimizer?: OptimizerName;
  /** train()'s step: compiled into one graph where possible ('auto', default), always, or never. */
  trainingStep?: TrainingStepChoice;
  /** A constant rate, a rate per step, or a named schedule each stage runs over its own steps. */
  learningRate?: number | LearningRateSchedule | StageSchedule;
  seed?: number;
  tensors?: TensorOptions;
  augment?: Augmentation;
  /** Label smoothing e, every stage (train's labelSmoothing). */
  labelSmoothing?: number;
  /** Weight decay on the kernels, every stage (train's weightDecay). */
  weightDecay?: number;
  /** Distillation from a teacher (the float model the run starts from: teacherOf) in stage 1, stage 3 and the baselines' training; stage 0 trains without. */
  distillation?: DistillationOptions;
  /** The ternary quantizer of the ternary methods (default TWN, t = 0.7). */
  quantizer?: Quantizer;
  /** Stage 1's regularizers (L2 plus a QTR variant for this method); stage 3 runs without QTR. */
  regularizers?: Regularizer[];
  /**
   * Weigh each layer's regularization by the hardware cost of one of its non-zeros: 'operations'
   * (additions per inference: convolutions, reused at every output position, cost more) or
   * 'memory' (bits per non-zero in the layer's smallest sparse encoding). Default: every layer 1.
   */
  hardwareCost?: CostMeasure;
  /** prune-then-quantize: the sparsity of its magnitude pruning. */
  pruneSparsity?: number;
  policy?: LayerPolicy;
  test: LabeledImages;
  /** Held-out training images evaluated after every epoch; `keep` and `patience` choose each stage's epoch by them (train's options). */
  validation?: LabeledImages;
  keep?: Keep;
  patience?: number;
  /** Per-stage checkpoints under this folder; with `resume`, finished stages are restored, not rerun. */
  checkpointDir?: string;
  resume?: boolean;
  onBatchEnd?: (progress: BatchProgress) => void;
  onEpochEnd?: (progress: EpochProgress) => void | Promise<void>;
  /** Stops after the current batch when aborted, checkpointed (with checkpointDir): see train's `signal`. */
  signal?: AbortSignal;
  /** Called when a stage starts, with its name and epochs. */
  onStageStart?: (stage: string, epochs: number) => void;
  /** Recorded in the checkpoints; resuming checkpoints of another configuration is refused (train's `configuration`). */
  configuration?: RunConfiguration;
  /** What resuming worked around (a corrupt checkpoint refused for the previous one). */
  onWarning?: (message: string) => void;
}

export interface StageReport {
  stage: string;
  /** Every epoch of the stage, those of earlier sittings included when it was resumed. */
  history: EpochProgress[];
  /** Its training time in earlier sittings (0 unless resumed). */
  earlierSeconds: number;
  /** How its steps ran (train()'s result). */
  trainingStep: TrainResult['trainingStep'];
}

export interface CompressReport {
  method: Method;
  stages: StageReport[];
  /** The deployed network's test accuracy (quantized weights written into the model). */
  accuracy: number;
  layers: LayerStats[];
  sparsity: number;
  histograms: { beforeStage1: WeightHistogram[]; afterStage1: WeightHistogram[] };
  /** Memory, operations and FPGA estimates of the deployed network. */
  hardware: CostReport;
  /** The per-layer costs c_l the regularizers used (absent: all 1). */
  layerCosts?: Record<string, number>;
  /** The quantized activations, their clips as trained (none with float activations). */
  activations: QuantizedActivationSummary[];
}

const stageReport = (stage: string, { history, earlierSeconds, trainingStep }: TrainResult): StageReport => ({ stage, history, earlierSeconds, trainingStep });

/** What the stages share: the method's quantizers, the common training options, and where checkpoints go. */
function stageSetup(options: CompressOptions) {
  const method = options.method ?? 'sparse-ternary';
  const ternary = options.quantizer ?? twnQuantizer();
  const plan = METHOD_PLANS[method];
  return {
    method,
    plan,
    ternary,
    common: {
      batchSize: options.batchSize,
      optimizer: options.optimizer,
      trainingStep: options.trainingStep,
      learningRate: options.learningRate,
      seed: options.seed,
      tensors: options.tensors,
      augment: options.augment,
      labelSmoothing: options.labelSmoothing,
      weightDecay: options.weightDecay,
      policy: options.policy,
      test: options.test,
      validation: options.validation,
      keep: options.keep,
      patience: options.patience,
      resume: options.resume,
      onBatchEnd: options.onBatchEnd,
      onEpochEnd: options.onEpochEnd,
      signal: options.signal,
      configuration: options.configuration,
      onWarning: options.onWarning,
    },
    // Sparsifying regularizers (QTR) belong to the stage that finds the sparsity; the other stages and the baselines keep the rest.
    withoutQtr: options.regularizers?.filter((r) => !r.sparsifying),
    checkpointsFor: (stage: Stage) => (options.checkpointDir ? path.join(options.checkpointDir, stage.folder) : undefined),
  };
}

export interface FirstStagesResult {
  stages: StageReport[];
  histograms: { beforeStage1: WeightHistogram[]; afterStage1: WeightHistogram[] };
  layerCosts?: Record<string, number>;
}

/**
 * Stage 0 (float pretraining, when asked) and stage 1: ternary weights in the forward pass with
 * the regularizers. Baselines that do not prune train here for stage1 + stage3 epochs.
 */
export async function trainFirstStages(model: tfl.LayersModel, data: LabeledImages, options: CompressOptions): Promise<FirstStagesResult> {
  const { plan, ternary, common, withoutQtr, checkpointsFor } = stageSetup(options);
  const stages: StageReport[] = [];
  if (options.epochs.stage0) {
    const { stage0 } = STAGES;
    options.onStageStart?.(stage0.label, options.epochs.stage0);
    if (options.distillation) throw new TrainingError('distillation learns from the model the run starts from; with stage 0 that is an untrained one: distill from a pretrained model, without stage 0', stage0.label, 0, 0);
    const pretrained = await train(model, data, { ...common, stage: stage0.label, epochs: options.epochs.stage0, regularizers: withoutQtr, checkpointDir: checkpointsFor(stage0) });
    stages.push(stageReport(stage0.label, pretrained));
  }
  const beforeStage1 = weightHistograms(model, undefined, options.policy);
  const layerCosts = options.hardwareCost ? nonZeroCosts(model, options.hardwareCost) : undefined;
  const { stage1 } = STAGES;
  const stage1Epochs = plan.pruner ? options.epochs.stage1 : options.epochs.stage1 + options.epochs.stage3;
  options.onStageStart?.(stage1.label, stage1Epochs);
  const first = await train(model, data, {
    ...common,
    stage: stage1.label,
    epochs: stage1Epochs,
    quantizer: plan.stage1(ternary),
    regularizers: plan.sparsifies ? options.regularizers : withoutQtr,
    distillation: options.distillation,
    layerCosts,
    checkpointDir: checkpointsFor(stage1),
  });
  stages.push(stageReport(stage1.label, first));
  return { stages, histograms: { beforeStage1, afterStage1: weightHistograms(model, undefined, options.policy) }, ...(layerCosts ? { layerCosts } : {}) };
}

/** Stage 2: quantization pruning (or magnitude pruning at pruneSparsity), the masks and each layer's statistics; undefined for the methods that do not prune. */
export function pruneStage(model: tfl.LayersModel, options: CompressOptions): ({ masks: Masks } & SparsityReport) | undefined {
  const { plan, ternary } = stageSetup(options);
  if (!plan.pruner) return undefined;
  return quantizationPrune(model, plan.pruner(ternary, options.pruneSparsity ?? 0.9), options.policy);
}

/** Stage 3: the survivors retrained as ternary weights with the mask fixed, without QTR. */
export async function retrainStage(model: tfl.LayersModel, data: LabeledImages, masks: Masks, options: CompressOptions, layerCosts?: Record<string, number>): Promise<StageReport> {
  const { plan, ternary, common, withoutQtr, checkpointsFor } = stageSetup(options);
  const { stage3 } = STAGES;
  options.onStageStart?.(stage3.label, options.epochs.stage3);
  const third = await train(model, data, { ...common, stage: stage3.label, epochs: options.epochs.stage3, quantizer: plan.deployed(ternary), masks, regularizers: withoutQtr, distillation: options.distillation, layerCosts, checkpointDir: checkpointsFor(stage3) });
  return stageReport(stage3.label, third);
}

/**
 * Writes the deployed weights (0 or +-alpha_l per layer) into the model and reports on it. With a
 * mask the mask decides what is zero, so each layer's Delta reported is the threshold it was pruned
 * at: `pruneThresholds`, the pruning's per-layer deltas in the order of its layers.
 */
export function deploy(model: tfl.LayersModel, masks: Masks | undefined, options: CompressOptions, trained: FirstStagesResult, stage3?: StageReport, pruneThresholds?: readonly number[]): CompressReport {
  const { method, plan, ternary } = stageSetup(options);
  const deployed = ternarizeModel(model, plan.deployed(ternary), masks, options.policy);
  return {
    method,
    stages: [...trained.stages, ...(stage3 ? [stage3] : [])],
    accuracy: accuracy(model, options.test, options.tensors),
    layers: deployed.layers.map((l, i) => (pruneThresholds?.[i] === undefined ? l : { ...l, delta: pruneThresholds[i] })),
    sparsity: deployed.sparsity,
    histograms: trained.histograms,
    hardware: costReport(model),
    activations: quantizedActivationsOf(model),
    ...(trained.layerCosts ? { layerCosts: trained.layerCosts } : {}),
  };
}

/**
 * Compresses a model with one of the methods, in place. For 'sparse-ternary': stage 1 trains with
 * ternary weights in the forward pass and the regularizers; stage 2 prunes every weight that
 * quantizes to zero; stage 3 retrains the survivors as ternary weights with the mask fixed; the
 * model then holds the deployed sparse ternary weights. Returns the masks (if any) and a report.
 */
export async function compress(model: tfl.LayersModel, data: LabeledImages, options: CompressOptions): Promise<{ masks?: Masks; report: CompressReport }> {
  const trained = await trainFirstStages(model, data, options);
  const pruned = pruneStage(model, options);
  const masks = pruned?.masks;
  const stage3 = masks ? await retrainStage(model, data, masks, options, trained.layerCosts) : undefined;
  return { masks, report: deploy(model, masks, options, trained, stage3, pruned?.layers.map((l) => l.delta)) };
}
