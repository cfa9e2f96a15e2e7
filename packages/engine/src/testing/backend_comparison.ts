// Test helpers: run the same computation on the 'cpu' and 'ort' backends and compare.
import * as tf from '@tensorflow/tfjs-core';
import { activeOrtBackend, initEngine } from '../init_engine';
import { seededRandom } from '@sparse-ternary/base';

export { seededRandom };

/** Starts the 'ort' backend (registering 'cpu' too) with the given offload threshold. */
export async function startOrt(minOrtWork?: number): Promise<void> {
  await initEngine({ backend: 'ort', threads: 2, minOrtWork });
}

export const pick = <T>(rng: () => number, options: readonly T[]): T => options[Math.floor(rng() * options.length)];

/** Values uniform in [lo, hi) from the PRNG, as plain numbers (tensors are made per backend). */
export function randomValues(rng: () => number, size: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: size }, () => lo + (hi - lo) * rng());
}

export interface Comparison {
  /** max |ort - cpu| / max |cpu| over all outputs (finite cpu values; 1e-30 floor on the denominator). */
  relError: number;
  /** Kernel calls onnxruntime ran during the 'ort' evaluation. */
  ortRuns: number;
  cpu: Float32Array[];
  ort: Float32Array[];
}

interface Evaluated {
  shapes: number[][];
  values: Float32Array[];
}

function evaluate(f: () => tf.Tensor | tf.Tensor[]): Evaluated {
  return tf.tidy(() => {
    const out = f();
    const list = Array.isArray(out) ? out : [out];
    return { shapes: list.map((t) => t.shape), values: list.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>)) };
  });
}

/** Evaluates `f` on 'cpu' then on 'ort' (startOrt first) and measures how far the results differ. */
export function compareBackends(f: () => tf.Tensor | tf.Tensor[]): Comparison {
  tf.setBackend('cpu');
  const onCpu = evaluate(f);
  tf.setBackend('ort');
  const before = activeOrtBackend()!.stats.ortRuns;
  const onOrt = evaluate(f);
  const ortRuns = activeOrtBackend()!.stats.ortRuns - before;
  if (JSON.stringify(onCpu.shapes) !== JSON.stringify(onOrt.shapes)) {
    throw new Error(`shapes differ: cpu ${JSON.stringify(onCpu.shapes)}, ort ${JSON.stringify(onOrt.shapes)}`);
  }
  const [cpu, ort] = [onCpu.values, onOrt.values];
  let maxDiff = 0;
  let maxRef = 0;
  cpu.forEach((c, k) => {
    c.forEach((v, i) => {
      const o = ort[k][i];
      // Equal values (infinities included) and NaN on both sides agree; NaN on one side never does.
      const d = v === o || (Number.isNaN(v) && Number.isNaN(o)) ? 0 : Math.abs(v - o);
      maxDiff = Math.max(maxDiff, Number.isNaN(d) ? Infinity : d);
      if (Number.isFinite(v)) maxRef = Math.max(maxRef, Math.abs(v));
    });
  });
  return { relError: maxDiff / Math.max(maxRef, 1e-30), ortRuns, cpu, ort };
}
