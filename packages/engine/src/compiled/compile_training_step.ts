// A model's whole training step as one ONNX graph run by onnxruntime: forward, softmax
// cross-entropy, backward and the optimizer's update, with the weights, the optimizer's moments
// and BatchNorm's moving statistics fed in and taken out each step, copied to the TF.js model only
// when asked (writeBack). For chains of the layers in LAYER_COMPILERS ending in softmax; anything
// else is a CompileError, and the caller trains on the per-kernel path.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadSyncSession, type OrtValue, type SyncSession } from '../ort/ort_binding';
import { SOFTMAX } from './activation_compiler';
import { CompileError } from './compile_error';
import { LAYER_COMPILERS, type StateUpdate, type WeightBinding } from './layer_compilers';
import { ADAM_CORRECTIONS, LEARNING_RATE, optimizerUpdate, type StepOptimizer, type UpdatedValue } from './optimizer_update';
import { StepGraph, type Activation, type KernelTraining } from './step_graph';

export interface CompileOptions {
  batchSize: number;
  optimizer: StepOptimizer;
  /** How each weight layer's kernel trains (quantized, masked, clipped); plain float training where undefined. */
  kernels?: (layer: tfl.layers.Layer) => KernelTraining | undefined;
  /** onnxruntime's threads; default: the machine's cores. */
  threads?: number;
}

export interface CompiledTrainingStep {
  /**
   * One step on a batch: `x` as the model takes it (channels-last), `y` one-hot labels, at
   * `learningRate` (default: the optimizer's); the batch's mean loss before the update.
   */
  step(x: Float32Array, y: Float32Array, learningRate?: number): number;
  /** Copies the weights and moving statistics into the TF.js model. */
  writeBack(): void;
  dispose(): void;
}

/** The model's layers in order, checked to form a chain. */
function chain(model: tfl.LayersModel): tfl.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new CompileError('only models with one input and one output are compiled');
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let previous = model.inputs[0];
  for (const layer of layers) {
    const inbound = layer.inboundNodes;
    if (inbound.length !== 1 || inbound[0].inputTensors.length !== 1 || inbound[0].inputTensors[0] !== previous) throw new CompileError('only chains of layers are compiled', layer.name);
    previous = inbound[0].outputTensors[0];
  }
  return layers;
}

export function compileTrainingStep(model: tfl.LayersModel, options: CompileOptions): CompiledTrainingStep {
  const n = options.batchSize;
  const graph = new StepGraph(n, options.kernels);
  const inputShape = [n, ...(model.inputs[0].shape.slice(1) as number[])];
  const x = graph.b.input('x', 'float32', inputShape);
  // Images channels-first inside.
  let h: Activation & { softmax?: typeof SOFTMAX } =
    inputShape.length === 4 ? { value: graph.op('Transpose', [x], { perm: [0, 3, 1, 2] }), shape: [n, inputShape[3], inputShape[1], inputShape[2]] } : { value: x, shape: inputShape };
  const weights: WeightBinding[] = [];
  const states: StateUpdate[] = [];
  for (const layer of chain(model)) {
    if (h.softmax) throw new CompileError('softmax before the last layer', layer.name);
    const compile = LAYER_COMPILERS[layer.getClassName()];
    if (!compile) throw new CompileError(`${layer.getClassName()} layers are not compiled`, layer.name);
    const compiled = compile(layer, h, graph);
    h = compiled.output;
    weights.push(...compiled.weights);
    states.push(...(compiled.updates ?? []));
  }
  if (!h.softmax || h.shape.length !== 2) throw new CompileError('the model must end in a softmax over classes (its loss is softmax cross-entropy)');
  const classes = h.shape[1];
  const y = graph.b.input('y', 'float32', [n, classes]);
  const logp = graph.op('LogSoftmax', [h.value], { axis: 1 });
  const batch = graph.scalar(n);
  const loss = graph.op('Div', [graph.op('Neg', [graph.op('ReduceSum', [graph.op('Mul', [y, logp])], { keepdims: 0 })]), batch]);
  graph.backward(graph.op('Div', [graph.op('Sub', [graph.op('Exp', [logp]), y]), batch]));
  graph.b.input(LEARNING_RATE, 'float32', []);
  if (options.optimizer.kind === 'adam') for (const name of ADAM_CORRECTIONS) graph.b.input(name, 'float32', []);
  const updates: UpdatedValue[] = [...graph.parameters.flatMap((p) => optimizerUpdate(graph, p, options.optimizer)), ...states];
  graph.b.rename(loss, 'loss');
  graph.b.output('loss', 'float32');
  updates.forEach((u, i) => {
    graph.b.rename(u.output, `next${i}`);
    graph.b.output(`next${i}`, 'float32');
  });
  const session: SyncSession = loadSyncSession(graph.b.build({ graphName: 'training-step' }), { intraOpNumThreads: options.threads ?? os.availableParallelism(), allowSpinning: false });

  // The values fed each step: weights (graph layout), moments (zeros), moving statistics.
  const dims = new Map<string, number[]>();
  const values = new Map<string, Float32Array>();
  for (const w of weights) {
    values.set(w.parameter.name, w.toGraph(w.variable.read().dataSync() as Float32Array));
    dims.set(w.parameter.name, w.parameter.dims);
  }
  if (options.optimizer.kind === 'adam') {
    for (const p of graph.parameters) for (const moment of ['m', 'v']) values.set(`${p.name}/${moment}`, new Float32Array(p.dims.reduce((a, b) => a * b, 1))), dims.set(`${p.name}/${moment}`, p.dims);
  }
  for (const s of states) values.set(s.input, Float32Array.from(s.variable.read().dataSync() as Float32Array)), dims.set(s.input, s.variable.shape as number[]);
  const tensor = (data: Float32Array, shape: number[]): OrtValue => ({ type: 'float32', data, dims: shape });
  let t = 0;
  return {
    step(xs, ys, learningRate = options.optimizer.learningRate) {
      if (xs.length !== inputShape.reduce((a, b) => a * b, 1) || ys.length !== n * classes) throw new CompileError(`a batch of ${n} samples of [${inputShape.slice(1)}] with ${classes} one-hot labels was expected`);
      t++;
      const feeds: Record<string, OrtValue> = { x: tensor(xs, inputShape), y: tensor(ys, [n, classes]), [LEARNING_RATE]: tensor(Float32Array.of(learningRate), []) };
      if (options.optimizer.kind === 'adam') {
        const { beta1 = 0.9, beta2 = 0.999 } = options.optimizer;
        feeds[ADAM_CORRECTIONS[0]] = tensor(Float32Array.of(1 / (1 - beta1 ** t)), []);
        feeds[ADAM_CORRECTIONS[1]] = tensor(Float32Array.of(1 / (1 - beta2 ** t)), []);
      }
      for (const u of updates) if (values.has(u.input)) feeds[u.input] = tensor(values.get(u.input)!, dims.get(u.input)!);
      const out = session.run(feeds);
      updates.forEach((u, i) => values.has(u.input) && values.set(u.input, out[`next${i}`].data as Float32Array));
      return (out.loss.data as Float32Array)[0];
    },
    writeBack() {
      tf.tidy(() => {
        for (const w of weights) w.variable.write(tf.tensor(w.fromGraph(values.get(w.parameter.name)!), w.variable.shape as number[]));
        for (const s of states) s.variable.write(tf.tensor(values.get(s.input)!, s.variable.shape as number[]));
      });
    },
    dispose: () => session.dispose(),
  };
}
