// Batches through a model of dense layers, 16 samples at a time: activations stored feature-major
// ([features][16]), so each non-zero weight adds one contiguous 16-float row (one cache line, four
// SIMD vectors) and one index load serves all 16 samples. ReLU fuses into the layer before it;
// softmax runs per sample at the end.
import { softmax as softmaxOf } from '../softmax';
import type { Arena } from './arena';
import { BATCH, batchBase } from './dense_index';
import { NO_CLAMP, reluBounds } from './fused_activation';
import type { SparseKernels } from './sparse_kernels';
import type { DenseLayer, PlannedLayer } from './wasm_plan';

/** `count` samples (count <= BATCH) from `input` into `output`, one after the other in each. */
export type BatchRunner = (input: Float32Array, output: Float32Array, count: number) => void;

/**
 * The plan, laid out in `arena`, when every weight layer is ternary dense and the others are ReLU
 * or a final softmax; else undefined. It reads the one-sample plan's tables (`dense`).
 */
export function denseBatchPlan(layers: PlannedLayer[], inputSize: number, arena: Arena, dense: Map<number, DenseLayer>): ((kernels: SparseKernels) => BatchRunner) | undefined {
  const softmax = layers.at(-1)?.layer.type === 'softmax';
  const body = softmax ? layers.slice(0, -1) : layers;
  const supported = body.every((l, i) => l.layer.input === undefined && ((l.layer.type === 'dense' && l.rows && 'plus' in l.rows) || (l.layer.type === 'relu' && body[i - 1]?.layer.type === 'dense')));
  if (!supported || !body.length) return undefined;
  const input = arena.reserve(inputSize * BATCH);
  let at = input;
  let outputs = inputSize;
  const calls: number[][] = [];
  body.forEach(({ layer }, i) => {
    if (layer.type !== 'dense') return;
    const { tables, input: sampleInput } = dense.get(i)!;
    const { plus, minus, mul, add } = tables;
    const from = batchBase(at, sampleInput);
    const to = (at = arena.reserve(layer.rows * BATCH));
    const next = body[i + 1]?.layer;
    const clamp = next?.type === 'relu' ? reluBounds(next) : NO_CLAMP;
    calls.push([plus.start, plus.index, minus.start, minus.index, from, to, layer.rows, mul, add, BATCH * 4, BATCH * 4, ...clamp]);
    outputs = layer.rows;
  });
  const last = at / 4;
  const first = input / 4;
  return (kernels) => {
    const memory = new Float32Array(kernels.memory.buffer);
    return (samples, output, count) => {
      // Into feature-major order, the lanes of absent samples zero.
      if (count < BATCH) memory.fill(0, first, first + inputSize * BATCH);
      for (let n = 0; n < count; n++) for (let f = 0, src = n * inputSize; f < inputSize; f++) memory[first + f * BATCH + n] = samples[src + f];
      for (const args of calls) kernels.runsShifted(...args);
      for (let n = 0; n < count; n++) {
        const row = output.subarray(n * outputs, (n + 1) * outputs);
        for (let o = 0; o < outputs; o++) row[o] = memory[last + o * BATCH + n];
        if (softmax) softmaxOf(row, row);
      }
    };
  };
}
