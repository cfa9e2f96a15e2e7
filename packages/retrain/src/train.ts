import type { CompiledTrainingStep } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batches, type Augmentation, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import {
  countNonZeros,
  floatQuantizer,
  quantizedLayers,
  straightThroughStep,
  type LayerPolicy,
  type Masks,
  type Quantizer,
  type StepResult,
} from '@sparse-ternary/quantize-prune';
import { totalPenalty, type Regularizer, type RegularizedWeight } from '@sparse-ternary/regularizers';
import { TrainingError, TrainingInterrupted } from './errors';
import { accuracy, quantizedAccuracy } from './evaluate';
import { constantRate, stageRate, type LearningRateSchedule, type StageSchedule } from './learning_rate';
import { makeOptimizer, type OptimizerName, type SchedulableOptimizer } from './optimizer';
import { resumeStateAt, type RunConfiguration } from './resume_state';
import { restoreTraining, saveTraining } from './training_checkpoints';
import { compiledStep, loadOptimizerState, stepOptimizerOf, storeOptimizerState } from './compiled_step';
import { strengthsAt } from './compiled_regularizer';
import { costOf } from './layer_cost';
import { trainingHead, type TrainingHead } from './training_head';
import { after, grouped } from './iterables';
import { batchesPerRun } from './run_batches';
import { distilledLoss, type DistillationOptions } from './distillation';
import { smoothLabels } from './label_smoothing';
import type { TrainingStepChoice } from './training_steps';
import { BestWeights, bestEpoch, patienceRunOut, type Keep } from './best_epoch';

export interface BatchProgress {
  stage: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  penalty: number;
  samplesPerSecond: number;
  etaSeconds: number;
}

export interface EpochProgress {
  stage: string;
  epoch: number;
  /** Mean training loss and penalty over the epoch's batches. */
  loss: number;
  penalty: number;
  /** Test accuracy of the quantized (deployed) network and of the float shadow weights, when a test set is given. */
  quantizedAccuracy?: number;
  floatAccuracy?: number;
  /** Accuracy of the quantized network on the validation images, when given. */
  validationAccuracy?: number;
  /** The learning rate of the epoch's last step. */
  learningRate: number;
  /** Fraction of the quantized kernels' weights that are zero. */
  sparsity: number;
  /** Each regularizer's penalty on the weights at the end of the epoch, by name. */
  regularizerTerms: Record<string, number>;
  seconds: number;
}

export interface TrainOptions {
  /** Names the run in progress reports and errors (for example 'stage 1'). */
  stage?: string;
  epochs: number;
  batchSize: number;
  optimizer?: OptimizerName | SchedulableOptimizer;
  /** A constant rate, a rate per step, or a named schedule laid over this run's steps. */
  learningRate?: number | LearningRateSchedule | StageSchedule;
  quantizer?: Quantizer;
  regularizers?: Regularizer[];
  masks?: Masks;
  policy?: LayerPolicy;
  clip?: number;
  /** Seeds the shuffling and augmentation (the model's initial weights are seeded where it is built). */
  seed?: number;
  /** Smooth the one-hot labels: (1 - e) y + e / classes (torch's label_smoothing). */
  labelSmoothing?: number;
  /** Weight decay on the convolution and dense kernels, not on BatchNorm's parameters or biases (torch's SGD weight_decay in the reference recipes' form). */
  weightDecay?: number;
  /** Learn from a teacher's probabilities at temperature T as well as from the labels. */
  distillation?: DistillationOptions;
  tensors?: TensorOptions;
  augment?: Augmentation;
  /** Evaluated after every epoch. */
  test?: LabeledImages;
  /** Held-out training images, evaluated after every epoch: what `keep` and `patience` choose by. */
  validation?: LabeledImages;
  /** 'best': end with the weights of the epoch of best validation accuracy, not the last (default 'last'). */
  keep?: Keep;
  /** Stop after this many epochs without a better validation accuracy (default 0: never). */
  patience?: number;
  onBatchEnd?: (progress: BatchProgress) => void;
  onEpochEnd?: (progress: EpochProgress) => void | Promise<void>;
  /** Write a checkpoint here after every epoch (weights, optimizer state, stage, epoch, step). */
  checkpointDir?: string;
  /** Continue from the checkpoint in checkpointDir, if there is one for this stage. */
  resume?: boolean;
  /**
   * c_l, the hardware cost of one non-zero weight, by kernel variable name (from
   * @sparse-ternary/hw-cost's nonZeroCosts); the regularizers weigh each layer by it. Default 1.
   */
  layerCosts?: Readonly<Record<string, number>>;
  /**
   * Stops training after the current batch (compiled: the current run of up to stepsPerRun
   * batches) when aborted (Ctrl-C): the position is checkpointed mid-epoch (with checkpointDir)
   * and a TrainingInterrupted is thrown; `resume` continues from the next batch.
   */
  signal?: AbortSignal;
  /**
   * The configuration of the run (the options that change what it trains), recorded in every
   * checkpoint: resuming from a checkpoint made with another one is a CheckpointError naming the
   * options that differ.
   */
  configuration?: RunConfiguration;
  /** Told what resume worked around: a corrupt latest checkpoint refused for the previous one. */
  onWarning?: (message: string) => void;
  /**
   * 'auto' (default): each step compiled into one onnxruntime graph (forward, backward, the
   * quantizer, masks and optimizer; @sparse-ternary/engine's compileTrainingStep) where the model
   * and method allow it, else one TF.js kernel at a time; 'compiled' insists (a TrainingError says
   * why it cannot); 'kernels' never compiles.
   */
  trainingStep?: TrainingStepChoice;
}

export interface TrainResult {
  history: EpochProgress[];
  /** The epoch training started from (0, or the one after a resumed checkpoint's). */
  startEpoch: number;
  /** Training time of the stage in earlier sittings (a resumed checkpoint's), 0 without one; `history` holds their epochs too. */
  earlierSeconds: number;
  /** How the steps ran: compiled into one graph, or kernel by kernel (with why not compiled, unless asked). */
  trainingStep: { kind: 'compiled' } | { kind: 'kernels'; reason: string };
}

/**
 * One pass over the quantized kernels at the end of an epoch: the fraction of q(W) that is zero,
 * and each regularizer's penalty on W (with the quantizer's thresholds).
 */
function epochStatistics(
  model: tfl.LayersModel,
  quantizer: Quantizer,
  regularizers: Regularizer[],
  step: number,
  masks?: Masks,
  policy?: LayerPolicy,
  costs?: Readonly<Record<string, number>>,
): { sparsity: number; regularizerTerms: Record<string, number> } {
  let zeros = 0;
  let size = 0;
  const weights: RegularizedWeight[] = [];
  for (const t of quantizedLayers(model, policy).filter((l) => l.treatment !== 'float')) {
    const w = t.kernel.read();
    const { q, delta } = quantizer.quantize(w, masks?.get(t.name), t.channels);
    const counts = countNonZeros(q);
    q.dispose();
    zeros += counts.size - counts.nonZeros;
    size += counts.size;
    weights.push({ name: t.name, w, delta, cost: costOf(costs, t.name) });
  }
  const regularizerTerms = Object.fromEntries(regularizers.map((r) => [r.name, tf.tidy(() => r.penalty(weights, step).dataSync()[0])]));
  return { sparsity: size === 0 ? 0 : zeros / size, regularizerTerms };
}

/**
 * Trains with straight-through quantization (the float quantizer gives plain training),
 * regularizers on the float weights, an optional fixed mask and a learning-rate schedule. A NaN
 * or infinite loss stops it with a TrainingError naming the stage, epoch and batch.
 */
export async function train(model: tfl.LayersModel, data: LabeledImages, options: TrainOptions): Promise<TrainResult> {
  const stage = options.stage ?? 'training';
  const quantizer = options.quantizer ?? floatQuantizer();
  const rate = options.learningRate ?? 1e-3;
  const schedule = typeof rate === 'function' ? rate : typeof rate === 'object' ? stageRate(rate, Math.ceil(data.count / options.batchSize), options.epochs) : constantRate(rate);
  // An optimizer made here (its moments: two copies of the weights for Adam) is released at the end; one passed in stays the caller's.
  const owned = typeof options.optimizer !== 'object';
  const optimizer = owned ? makeOptimizer((options.optimizer as OptimizerName | undefined) ?? 'adam', schedule(0)) : (options.optimizer as SchedulableOptimizer);
  try {
    return await trainWith(model, data, options, { stage, quantizer, schedule, optimizer });
  } finally {
    if (owned) optimizer.dispose();
  }
}

/** What train() resolved from its options before the loop. */
interface Setup {
  stage: string;
  quantizer: Quantizer;
  schedule: LearningRateSchedule;
  optimizer: SchedulableOptimizer;
}

async function trainWith(model: tfl.LayersModel, data: LabeledImages, options: TrainOptions, { stage, quantizer, schedule, optimizer }: Setup): Promise<TrainResult> {
  const regularizers = options.regularizers ?? [];
  if ((options.keep === 'best' || (options.patience ?? 0) > 0) && !options.validation) throw new TrainingError('keeping the best epoch and stopping early choose on validation images: give validation', stage, 0, 0);
  const head = trainingHead(model);
  const batchCount = Math.ceil(data.count / options.batchSize);
  const history: EpochProgress[] = [];
  let step = 0;
  let startEpoch = 0;
  // Batches of the first epoch already trained (an interrupted epoch resumes where it stopped).
  let skip = 0;
  let earlierSeconds = 0;
  if (options.resume && options.checkpointDir) {
    const state = await restoreTraining(options.checkpointDir, { stage, epochs: options.epochs, batches: batchCount, configuration: options.configuration }, model, optimizer, options.onWarning);
    if (state) {
      startEpoch = state.epoch + (state.batch === undefined ? 1 : 0);
      skip = state.batch ?? 0;
      step = state.step;
      history.push(...(state.history ?? []));
      earlierSeconds = state.seconds ?? 0;
    }
  }
  const choice = chooseStep(head, options, quantizer, optimizer, schedule(step));
  if (options.trainingStep === 'compiled' && choice.kind === 'kernels') throw new TrainingError(`the training step cannot be compiled: ${choice.reason}`, stage, startEpoch, skip);
  const compiled = choice.kind === 'compiled' ? choice.step : undefined;
  const perRun = compiled ? batchesPerRun(compiled.stepsPerRun, options.batchSize, data.imageShape) : 1;
  const classes = head.model.outputs[0].shape[1] as number;
  /** A batch as a step takes it: its images, its labels one-hot (smoothed when asked) and, when distilling, the teacher's probabilities on the same images. */
  const labeled = (x: tf.Tensor, y: tf.Tensor) => {
    const images = (x.dataSync() as Float32Array).slice();
    const d = options.distillation;
    return { x: images, y: smoothLabels(oneHot(y, classes).slice(), classes, options.labelSmoothing ?? 0), ...(d ? { teacher: d.teacher.probabilities(images, d.temperature) } : {}) };
  };
  try {
    if (compiled) await loadOptimizerState(compiled, optimizer, head.model);
    /** The compiled step's weights (and, for a checkpoint, its optimizer state) into the TF.js model and optimizer. */
    const sync = async (withOptimizer: boolean) => {
      compiled?.writeBack();
      if (compiled && withOptimizer) await storeOptimizerState(compiled, optimizer, head.model);
    };
    const started = performance.now();
    const position = (epoch: number, at: number, batch?: number) =>
      resumeStateAt({
        stage,
        epoch,
        step: at,
        ...(batch === undefined ? {} : { batch }),
        seed: options.seed ?? 0,
        configuration: options.configuration,
        history: [...history],
        seconds: earlierSeconds + (performance.now() - started) / 1000,
      });
    const firstStep = step;
    const best = new BestWeights(options.checkpointDir);
    const evaluated = { masks: options.masks, policy: options.policy, tensors: options.tensors };
    // A stage resumed after its patience ran out (stopped early, then interrupted) trains no more.
    for (let epoch = startEpoch; epoch < options.epochs && !patienceRunOut(history, options.patience ?? 0); epoch++) {
      const epochStart = performance.now();
      let lossSum = 0;
      let penaltySum = 0;
      // An interrupted epoch resumes after the batches it trained.
      let batch = epoch === startEpoch ? skip : 0;
      let trained = 0;
      const epochBatches = after(batches(data, { ...options.tensors, batchSize: options.batchSize, seed: options.seed ?? 0, epoch, augment: options.augment }), batch);
      /** Each batch's step, in order, a group at a time: the compiled step's run of perRun batches (their data kept past the pipeline's disposal of their tensors), or one batch kernel by kernel. */
      const trainedGroups = function* (): Generator<StepResult[]> {
        if (compiled) {
          for (const group of grouped(epochBatches, perRun, ({ x, y }) => labeled(x, y))) {
            const feeds = (i: number) => ({ learningRate: schedule(step + i), scalars: strengthsAt(regularizers, step + i) });
            yield compiled.run(group.map((b, i) => ({ ...b, feeds: feeds(i) }))).map((r) => ({ ...r, layers: [] }));
          }
          return;
        }
        for (const batch of epochBatches) {
          optimizer.setLearningRate(schedule(step));
          const penalty = regularizers.length
            ? (weights: { name: string; w: tf.Tensor; delta: number }[]) =>
                totalPenalty(regularizers, weights.map((w) => ({ ...w, cost: costOf(options.layerCosts, w.name) })), step)
            : undefined;
          const { x, y, teacher } = labeled(batch.x, batch.y);
          const [xs, ys, qs] = [tf.tensor(x, batch.x.shape), tf.tensor(y, [batch.x.shape[0], classes]), teacher && tf.tensor(teacher, [batch.x.shape[0], classes])];
          try {
            const loss = qs ? distilledLoss(head, options.distillation!, qs) : head.loss;
            yield [straightThroughStep(head.model, xs, ys, { quantizer, optimizer, loss, masks: options.masks, policy: options.policy, clip: options.clip, penalty, weightDecay: options.weightDecay })];
          } finally {
            tf.dispose([xs, ys, qs].filter((t) => t !== undefined));
          }
        }
      };
      for (const group of trainedGroups()) {
        for (const result of group) {
          if (!Number.isFinite(result.loss) || !Number.isFinite(result.penalty)) {
            throw new TrainingError(`the loss is ${result.loss} (penalty ${result.penalty})`, stage, epoch, batch);
          }
          // NaN weights can hide behind a quantizer (a NaN threshold zeroes every weight): check its statistics too.
          const broken = result.layers.find((l) => !Number.isFinite(l.alpha) || !Number.isFinite(l.delta));
          if (broken) throw new TrainingError(`layer ${broken.name} has non-finite weights (alpha ${broken.alpha}, Delta ${broken.delta})`, stage, epoch, batch);
          lossSum += result.loss;
          penaltySum += result.penalty;
          step++;
          batch++;
          trained++;
          const elapsed = (performance.now() - started) / 1000;
          const samplesPerSecond = ((step - firstStep) * options.batchSize) / elapsed;
          const remaining = (options.epochs - epoch) * batchCount - batch;
          options.onBatchEnd?.({
            stage,
            epoch,
            epochs: options.epochs,
            batch,
            batches: batchCount,
            loss: result.loss,
            penalty: result.penalty,
            samplesPerSecond,
            etaSeconds: (remaining * options.batchSize) / samplesPerSecond,
          });
        }
        // A turn of the event loop, so that a signal (Ctrl-C) and timers (progress bars) are handled mid-epoch.
        if (options.signal) await new Promise((resolve) => setImmediate(resolve));
        if (options.signal?.aborted && batch < batchCount) {
          await sync(!!options.checkpointDir);
          if (options.checkpointDir) await saveTraining(options.checkpointDir, model, optimizer, options.masks, position(epoch, step, batch));
          throw new TrainingInterrupted(stage, epoch, batch, options.checkpointDir);
        }
      }
      await sync(!!options.checkpointDir);
      const progress: EpochProgress = {
        stage,
        epoch,
        loss: lossSum / trained,
        penalty: penaltySum / trained,
        ...epochStatistics(model, quantizer, regularizers, step, options.masks, options.policy, options.layerCosts),
        seconds: (performance.now() - epochStart) / 1000,
        learningRate: schedule(step - 1),
      };
      if (options.test) {
        progress.quantizedAccuracy = quantizedAccuracy(model, options.test, quantizer, evaluated);
        progress.floatAccuracy = accuracy(model, options.test, options.tensors);
      }
      if (options.validation) progress.validationAccuracy = quantizedAccuracy(model, options.validation, quantizer, evaluated);
      history.push(progress);
      if (options.keep === 'best' && bestEpoch(history) === progress) best.record(model, epoch);
      if (options.checkpointDir) await saveTraining(options.checkpointDir, model, optimizer, options.masks, position(epoch, step));
      await options.onEpochEnd?.(progress);
      if (options.signal?.aborted && epoch < options.epochs - 1) throw new TrainingInterrupted(stage, epoch, batch, options.checkpointDir);
    }
    // An optimizer passed in keeps its state for the caller.
    await sync(typeof options.optimizer === 'object');
    if (options.keep === 'best') best.restore(model);
    return { history, startEpoch, earlierSeconds, trainingStep: choice.kind === 'compiled' ? { kind: 'compiled' } : choice };
  } finally {
    compiled?.dispose();
  }
}

/** Labels as one-hot floats ([batch, classes] already, or class indices). */
function oneHot(y: tf.Tensor, classes: number): Float32Array {
  if (y.rank === 2) return y.dataSync() as Float32Array;
  const labels = y.dataSync();
  const out = new Float32Array(labels.length * classes);
  labels.forEach((label, i) => (out[i * classes + label] = 1));
  return out;
}

/** The compiled step where the options, model and method allow it, or why not. */
function chooseStep(head: TrainingHead, options: TrainOptions, quantizer: Quantizer, optimizer: tf.Optimizer, learningRate: number): { kind: 'compiled'; step: CompiledTrainingStep } | { kind: 'kernels'; reason: string } {
  if (options.trainingStep === 'kernels') return { kind: 'kernels', reason: "trainingStep 'kernels' was asked for" };
  const stepOptimizer = stepOptimizerOf(optimizer, learningRate, options.weightDecay);
  if (!stepOptimizer) return { kind: 'kernels', reason: 'only Adam, SGD and momentum are compiled' };
  const d = options.distillation;
  const step = compiledStep(head.model, {
    optimizer: stepOptimizer,
    output: head.output,
    quantizer,
    masks: options.masks,
    policy: options.policy,
    clip: options.clip,
    regularizers: options.regularizers,
    layerCosts: options.layerCosts,
    seed: options.seed ?? 0,
    ...(d ? { distillation: { temperature: d.temperature, weight: d.weight } } : {}),
  });
  return step instanceof Error ? { kind: 'kernels', reason: step.message } : { kind: 'compiled', step };
}
