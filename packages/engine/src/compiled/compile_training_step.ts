// A model's whole training step as one ONNX graph run by onnxruntime: forward, softmax
// cross-entropy (distilled from a teacher's probabilities when asked: step_loss.ts), the kernels'
// penalties, backward and the optimizer's update, with the weights, the optimizer's state and
// BatchNorm's moving statistics fed in and taken out once per run of up to stepsPerRun steps
// (scan_steps.ts), copied to the TF.js model only when asked (writeBack).
// For graphs of the layers in LAYER_COMPILERS ending in softmax (or logits); anything else is a
// CompileError, and the caller trains on the per-kernel path.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { activeOrtBackend } from '../init_engine';
import { loadSyncSession, type OrtValue, type SyncSession } from '../ort/ort_binding';
import { CompileError } from '../errors';
import { writeForward } from './model_forward';
import { TEACHER_INPUT, writeLoss, type Distillation } from './step_loss';
import { OPTIMIZER_SLOTS, optimizerUpdate, slotInput, updateScalars, type StepOptimizer, type UpdatedValue } from './optimizer_update';
import { scanSteps } from './scan_steps';
import { StepGraph, type KernelTraining } from './step_graph';

export interface CompileOptions {
  optimizer: StepOptimizer;
  /** How each weight layer's kernel trains (quantized, masked, clipped); plain float training where undefined. */
  kernels?: (layer: tfl.layers.Layer) => KernelTraining | undefined;
  /** What the model outputs: probabilities from a final softmax (default), or the logits. The loss is softmax cross-entropy either way. */
  output?: 'probabilities' | 'logits';
  /** onnxruntime's threads; default: the 'ort' backend's (initEngine's), else the machine's cores. Its threads spin between runs when the backend's do. */
  threads?: number;
  /** Writes onnxruntime's per-operator profile of the steps to `<profile>_<date>.json` on dispose() (tools/bench-engine.mjs --profile). */
  profile?: string;
  /** Seeds the step's random draws (dropout): the same seed draws the same in a new step; unseeded, onnxruntime picks. */
  seed?: number;
  /** At most how many steps one call into onnxruntime takes (run()); default 8. */
  stepsPerRun?: number;
  /** Learn from a teacher's probabilities at temperature T as well as from the labels (each batch's `teacher`). */
  distillation?: Distillation;
}

/**
 * The optimizer's state: steps taken and its slots (OPTIMIZER_SLOTS: Adam's m and v, momentum's
 * accumulation), slot by slot, each weight's values in the order of the model's trainable weights
 * and in TF.js's layout, as TF.js's optimizers list them (no slots: zeros).
 */
export interface OptimizerState {
  steps: number;
  slots: Float32Array[][];
}

/** What a step is fed besides the batch. */
export interface StepFeeds {
  /** Default: the optimizer's. */
  learningRate?: number;
  /** Every scalar the kernels' KernelTraining declared (StepGraph.scalarInput), by name. */
  scalars?: Readonly<Record<string, number>>;
}

/** One step's batch: `x` as the model takes it (channels-last), `y` its labels (one-hot, or any distribution over the classes), and its feeds. */
export interface StepBatch {
  x: Float32Array;
  y: Float32Array;
  /** With distillation: the teacher's probabilities at temperature T on `x`, [count, classes]. */
  teacher?: Float32Array;
  feeds?: StepFeeds;
}

/** A step's batch mean loss and the kernels' total penalty, both before the update. */
export interface StepResult {
  loss: number;
  penalty: number;
}

export interface CompiledTrainingStep {
  /** How many steps run() takes in one call into onnxruntime, where the weights and optimizer state cross the binding once (CompileOptions.stepsPerRun). */
  readonly stepsPerRun: number;
  /** One step on a batch of any size: `x` as the model takes it (channels-last), `y` one-hot labels. */
  step(x: Float32Array, y: Float32Array, feeds?: StepFeeds): StepResult;
  /** One step per batch, in order, as step() on each would; consecutive batches of one size go into onnxruntime together, stepsPerRun at a time. */
  run(batches: readonly StepBatch[]): StepResult[];
  /** Copies the weights and moving statistics into the TF.js model. */
  writeBack(): void;
  /** The optimizer's state (to checkpoint it), and setting it (to resume). */
  optimizerState(): OptimizerState;
  setOptimizerState(state: OptimizerState): void;
  dispose(): void;
}

export function compileTrainingStep(model: tfl.LayersModel, options: CompileOptions): CompiledTrainingStep {
  const graph = new StepGraph({ kernelTraining: options.kernels, seed: options.seed });
  const { sample, output: h, weights, states } = writeForward(model, graph);
  // The step trains exactly the model's trainable weights, in their order (the optimizer state's order).
  const trainable = model.trainableWeights;
  if (weights.length !== trainable.length || weights.some((w, i) => w.variable !== trainable[i])) throw new CompileError('the compiled layers do not train exactly the model\'s trainable weights (a frozen layer?)');
  const logits = (options.output ?? 'probabilities') === 'logits';
  if (logits === !!h.softmax || h.shape.length !== 2) throw new CompileError(logits ? 'the model must end in logits over classes' : 'the model must end in a softmax over classes (its loss is softmax cross-entropy)');
  const classes = h.shape[1];
  const y = graph.b.input('y', 'float32', ['N', classes]);
  const { loss, gradient } = writeLoss(graph, h.value, y, classes, options.distillation);
  graph.backward(gradient, h.value);
  const updateScalarNames = Object.keys(updateScalars(options.optimizer, 0, 1));
  for (const name of updateScalarNames) graph.b.input(name, 'float32', []);
  const unset = graph.states.find((s) => s.output === undefined);
  if (unset) throw new Error(`the step's state '${unset.input}' has no next value`);
  const updates: UpdatedValue[] = [...graph.parameters.flatMap((p) => optimizerUpdate(graph, p, options.optimizer)), ...states, ...graph.states.map((s) => ({ input: s.input, output: s.output! }))];
  graph.b.rename(loss, 'loss');
  graph.b.output('loss', 'float32');
  const penalties = graph.penalties.length ? graph.penalties : [graph.scalar(0)];
  graph.b.rename(penalties.length === 1 ? graph.op('Identity', penalties) : graph.op('Sum', penalties), 'penalty');
  graph.b.output('penalty', 'float32');
  updates.forEach((u, i) => {
    graph.b.rename(u.output, `next${i}`);
    graph.b.output(`next${i}`, 'float32');
  });
  const stepsPerRun = options.stepsPerRun ?? 8;
  if (!Number.isInteger(stepsPerRun) || stepsPerRun < 1) throw new CompileError(`stepsPerRun must be a positive integer, got ${options.stepsPerRun}`);
  const batchInputs = options.distillation ? ['x', 'y', TEACHER_INPUT] : ['x', 'y'];
  const sequences = [...batchInputs, ...updateScalarNames, ...graph.scalarInputs];
  const carried = updates.map((u, i) => ({ input: u.input, output: `next${i}` }));
  const ort = activeOrtBackend()?.options;
  const session: SyncSession = loadSyncSession(scanSteps(graph.b.graph('training-step'), { carried, sequences, collected: ['loss', 'penalty'] }), {
    intraOpNumThreads: options.threads ?? ort?.threads ?? os.availableParallelism(),
    allowSpinning: ort?.allowSpinning ?? false,
    profile: options.profile,
  });

  // The values carried from run to run, by graph input: weights (graph layout), the optimizer's slots, moving statistics.
  const values = new Map<string, { data: Float32Array; dims: number[] }>();
  for (const w of weights) values.set(w.parameter.name, { data: w.toGraph(w.variable.read().dataSync() as Float32Array), dims: w.parameter.dims });
  const slots = OPTIMIZER_SLOTS[options.optimizer.kind];
  const zeroSlots = () => {
    for (const w of weights) for (const slot of slots) values.set(slotInput(w.parameter, slot), { data: new Float32Array(w.parameter.dims.reduce((a, b) => a * b, 1)), dims: w.parameter.dims });
  };
  zeroSlots();
  for (const s of states) values.set(s.input, { data: Float32Array.from(s.variable.read().dataSync() as Float32Array), dims: s.variable.shape as number[] });
  for (const s of graph.states) values.set(s.input, { data: s.initial, dims: s.dims });
  const tensor = (data: Float32Array, dims: number[]): OrtValue => ({ type: 'float32', data, dims });
  const sampleSize = sample.reduce((a, b) => a * b, 1);
  const countOf = ({ x, y, teacher }: StepBatch) => {
    const count = y.length / classes;
    if (!Number.isInteger(count) || count < 1 || x.length !== count * sampleSize) throw new CompileError(`a batch of samples of [${sample}] with ${classes} one-hot labels each was expected`);
    if (options.distillation && teacher?.length !== y.length) throw new CompileError(`a distilled step needs the teacher's ${classes} probabilities for each of the batch's ${count} samples`);
    return count;
  };
  /** The scalars step number `step` reads, by graph input. */
  const scalarsOf = ({ feeds = {} }: StepBatch, step: number): Record<string, number> => {
    const fed = feeds.scalars ?? {};
    for (const name of graph.scalarInputs) if (!Number.isFinite(fed[name])) throw new CompileError(`the step's scalar '${name}' was not fed (got ${fed[name]})`);
    return { ...updateScalars(options.optimizer, feeds.learningRate ?? options.optimizer.learningRate, step), ...fed };
  };
  const stacked = (parts: Float32Array[]) => {
    if (parts.length === 1) return parts[0];
    const out = new Float32Array(parts.length * parts[0].length);
    parts.forEach((part, k) => out.set(part, k * part.length));
    return out;
  };
  let steps = 0;
  /** Steps on batches of `count` samples each, with their scalars, in one run. */
  const runTogether = (group: readonly StepBatch[], count: number, scalars: Record<string, number>[]): StepResult[] => {
    const k = group.length;
    const feeds: Record<string, OrtValue> = { x: tensor(stacked(group.map((b) => b.x)), [k, count, ...sample]), y: tensor(stacked(group.map((b) => b.y)), [k, count, classes]) };
    if (options.distillation) feeds[TEACHER_INPUT] = tensor(stacked(group.map((b) => b.teacher!)), [k, count, classes]);
    for (const name of [...updateScalarNames, ...graph.scalarInputs]) feeds[name] = tensor(Float32Array.from(scalars, (s) => s[name]), [k]);
    for (const u of updates) feeds[u.input] = tensor(values.get(u.input)!.data, values.get(u.input)!.dims);
    const out = session.run(feeds);
    steps += k;
    carried.forEach((c) => (values.get(c.input)!.data = out[c.output].data as Float32Array));
    const [losses, penalties] = [out.loss.data as Float32Array, out.penalty.data as Float32Array];
    return group.map((_, i) => ({ loss: losses[i], penalty: penalties[i] }));
  };
  const run = (batches: readonly StepBatch[]): StepResult[] => {
    // Every batch checked before the first step.
    const counts = batches.map(countOf);
    const scalars = batches.map((batch, i) => scalarsOf(batch, steps + i + 1));
    const results: StepResult[] = [];
    for (let start = 0; start < batches.length; ) {
      let end = start + 1;
      while (end < batches.length && end - start < stepsPerRun && counts[end] === counts[start]) end++;
      results.push(...runTogether(batches.slice(start, end), counts[start], scalars.slice(start, end)));
      start = end;
    }
    return results;
  };
  return {
    stepsPerRun,
    step: (x, y, feeds) => run([{ x, y, feeds }])[0],
    run,
    writeBack() {
      tf.tidy(() => {
        for (const w of weights) w.variable.write(tf.tensor(w.fromGraph(values.get(w.parameter.name)!.data), w.variable.shape as number[]));
        for (const s of states) s.variable.write(tf.tensor(values.get(s.input)!.data, s.variable.shape as number[]));
      });
    },
    optimizerState: () => ({ steps, slots: slots.map((slot) => weights.map((w) => w.fromGraph(values.get(slotInput(w.parameter, slot))!.data))) }),
    setOptimizerState(state) {
      steps = state.steps;
      zeroSlots();
      if (state.slots.length === 0) return;
      if (state.slots.length !== slots.length || state.slots.some((slot) => slot.length !== weights.length)) {
        throw new CompileError(`optimizer state of ${state.slots.length} slots for ${state.slots.map((v) => v.length)} weights; the step's ${options.optimizer.kind} keeps ${slots.length} for ${weights.length}`);
      }
      state.slots.forEach((slot, k) => slot.forEach((data, i) => (values.get(slotInput(weights[i].parameter, slots[k]))!.data = weights[i].toGraph(data))));
    },
    dispose: () => session.dispose(),
  };
}
