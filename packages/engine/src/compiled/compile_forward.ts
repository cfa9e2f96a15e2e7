// A model's forward pass for inference as one onnxruntime graph (BatchNorm on its moving
// statistics, dropout off), its weights a snapshot taken when it is compiled: the float teacher a
// distilled run learns from, and evaluation without TF.js's kernel-by-kernel dispatch.
import os from 'node:os';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import { activeOrtBackend } from '../init_engine';
import { loadSyncSession } from '../ort/ort_binding';
import { writeForward } from './model_forward';
import { StepGraph } from './step_graph';

export interface ForwardSession {
  /** One sample's shape (channels-last) and the number of outputs per sample. */
  readonly sample: readonly number[];
  readonly classes: number;
  /** Whether the model ends in a softmax (its outputs are softmax(logits)). */
  readonly softmax: boolean;
  /** The logits (the values before a final softmax) of a batch of any size, [count, classes] row by row. */
  logits(x: Float32Array): Float32Array;
  dispose(): void;
}

export function compileForward(model: tfl.LayersModel, options: { threads?: number } = {}): ForwardSession {
  const graph = new StepGraph({ inference: true });
  const { sample, output, weights } = writeForward(model, graph);
  if (output.shape.length !== 2) throw new CompileError(`the model must end in a [batch, classes] output, not [${output.shape}]`);
  for (const w of weights) graph.b.initializer(w.parameter.name, 'float32', w.toGraph(w.variable.read().dataSync() as Float32Array), w.parameter.dims);
  graph.b.rename(graph.op('Identity', [output.value]), 'logits');
  graph.b.output('logits', 'float32');
  const ort = activeOrtBackend()?.options;
  const session = loadSyncSession(graph.b.build(), { intraOpNumThreads: options.threads ?? ort?.threads ?? os.availableParallelism(), allowSpinning: ort?.allowSpinning ?? false });
  const size = sample.reduce((a, b) => a * b, 1);
  return {
    sample,
    classes: output.shape[1],
    softmax: !!output.softmax,
    logits(x) {
      const count = x.length / size;
      if (!Number.isInteger(count) || count < 1) throw new CompileError(`a batch of samples of [${sample}] was expected, got ${x.length} values`);
      return session.run({ x: { type: 'float32', data: x, dims: [count, ...sample] } }).logits.data as Float32Array;
    },
    dispose: () => session.dispose(),
  };
}
