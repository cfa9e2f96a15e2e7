// train()'s step compiled into one onnxruntime graph (@sparse-ternary/engine's
// compileTrainingStep), with the method's quantizer written into it (straight-through), the
// regularizers, the masks and gradient clipping: or why it cannot be, and train() takes the
// per-kernel path.
import { CompileError, compileTrainingStep, FusedAdamOptimizer, OPTIMIZER_SLOTS, type CompiledTrainingStep, type CompileOptions, type StepOptimizer } from '@sparse-ternary/engine';
import { quantizedLayers, type LayerPolicy, type Masks, type Quantizer } from '@sparse-ternary/quantize-prune';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Regularizer } from '@sparse-ternary/regularizers';
import { compiledQuantizer } from './compiled_quantizer';
import { compiledPenalty } from './compiled_regularizer';
import { costOf } from './layer_cost';

/** compileTrainingStep's options passed as they are; the method's say how the kernels train. */
export interface CompiledStepOptions extends Pick<CompileOptions, 'optimizer' | 'profile' | 'seed' | 'stepsPerRun' | 'distillation'> {
  /** What the model outputs (trainingHead's 'probabilities' or 'logits'). */
  output: 'probabilities' | 'logits';
  quantizer: Quantizer;
  masks?: Masks;
  policy?: LayerPolicy;
  clip?: number;
  /** On the quantized kernels' float weights, as straightThroughStep's penalty; their strengths fed each step (strengthsAt). */
  regularizers?: readonly Regularizer[];
  /** c_l by kernel name (default 1). */
  layerCosts?: Readonly<Record<string, number>>;
}

/** The compiled step, or the CompileError saying why this model and method are not compiled. */
export function compiledStep(model: tfl.LayersModel, options: CompiledStepOptions): CompiledTrainingStep | CompileError {
  const quantized = new Map(quantizedLayers(model, options.policy).filter((t) => t.treatment !== 'float').map((t) => [t.layer, t]));
  try {
    return compileTrainingStep(model, {
      optimizer: options.optimizer,
      output: options.output,
      profile: options.profile,
      seed: options.seed,
      stepsPerRun: options.stepsPerRun,
      distillation: options.distillation,
      kernels: (layer) => {
        const ref = quantized.get(layer);
        if (!ref) return undefined;
        const mask = options.masks?.get(ref.name);
        const quantize = compiledQuantizer(options.quantizer.rule, (ref.kernel.shape as number[]).reduce((a, b) => a * b, 1));
        return {
          write: (graph, w, maskValue, layout) => {
            const quantized = quantize(graph, w, maskValue, layout);
            return { value: quantized.value, penalty: compiledPenalty(graph, options.regularizers ?? [], { ...quantized, w, cost: costOf(options.layerCosts, ref.name) }) };
          },
          mask: mask && (mask.dataSync() as Float32Array),
          clip: options.clip,
        };
      },
    });
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
}

/**
 * The optimizers the compiled step writes: the engine's Adam, SGD and TF.js's momentum (with or
 * without Nesterov's). By constructor: tf.Optimizer's instanceof is duck-typed (any optimizer passes), and
 * momentum subclasses SGD.
 */
export function stepOptimizerOf(optimizer: tf.Optimizer, learningRate: number, weightDecay?: number): StepOptimizer | undefined {
  const decay = weightDecay ? { weightDecay } : {};
  if (optimizer.constructor === FusedAdamOptimizer) {
    const adam = optimizer as FusedAdamOptimizer;
    return { kind: 'adam', learningRate, beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon, ...decay };
  }
  if (optimizer.constructor === tf.SGDOptimizer) return { kind: 'sgd', learningRate, ...decay };
  if (Object.prototype.isPrototypeOf.call(tf.MomentumOptimizer.prototype, optimizer)) {
    const { momentum, useNesterov } = optimizer.getConfig() as { momentum: number; useNesterov: boolean };
    return { kind: 'momentum', learningRate, momentum, nesterov: useNesterov, ...decay };
  }
  return undefined;
}

/**
 * The TF.js optimizer's state (after a resumed checkpoint) into the compiled step. TF.js's
 * optimizers keep iterations, then each slot (Adam's first and second moments, momentum's
 * accumulations) for every weight in the order of the model's trainable weights (by position: a
 * resumed model's variables have new names).
 */
export async function loadOptimizerState(step: CompiledTrainingStep, optimizer: tf.Optimizer, model: tfl.LayersModel): Promise<void> {
  const [iterations, ...slotValues] = await optimizer.getWeights();
  const count = model.trainableWeights.length;
  const values = slotValues.map((w) => w.tensor.dataSync() as Float32Array);
  const steps = iterations ? iterations.tensor.dataSync()[0] : 0;
  iterations?.tensor.dispose(); // made for the call (the slots are the optimizer's own variables)
  step.setOptimizerState({ steps, slots: Array.from({ length: count ? values.length / count : 0 }, (_, k) => values.slice(k * count, (k + 1) * count)) });
}

/** The compiled step's state into the TF.js optimizer (before a checkpoint is written), in its own form: iterations, then each slot weight by weight. */
export async function storeOptimizerState(step: CompiledTrainingStep, optimizer: tf.Optimizer, model: tfl.LayersModel): Promise<void> {
  const { steps, slots } = step.optimizerState();
  const trainable = model.trainableWeights;
  const names = OPTIMIZER_SLOTS[stepOptimizerOf(optimizer, 0)!.kind];
  const weights = [{ name: 'iter', tensor: tf.scalar(steps, 'int32') }, ...slots.flatMap((slot, k) => slot.map((data, i) => ({ name: `${trainable[i].name}/${names[k]}`, tensor: tf.tensor(data, trainable[i].shape as number[]) })))];
  // The slot variables go (setWeights makes new ones); the optimizer's other tensors (its learning rate) stay.
  const [iterations, ...old] = await optimizer.getWeights();
  tf.dispose([iterations?.tensor, ...old.map((w) => w.tensor)].filter((t) => t !== undefined));
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
}
