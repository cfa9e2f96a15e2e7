import * as tf from '@tensorflow/tfjs-core';
// Training needs every op's gradient. tfjs-core's Node bundle registers none; tfjs-layers' bundle
// registers all of them when it loads.
import '@tensorflow/tfjs-layers';
import os from 'node:os';
import { EngineError } from './errors';
import { quietCpuAdvice } from './quiet_cpu_advice';
import { registerFusedKernels } from './fused/register_fused_kernels';
import { registerOrtBackend } from './ort/register_ort_backend';
import type { OrtBackend } from './ort/ort_backend';

export type BackendName = 'tensorflow' | 'ort' | 'cpu';
export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'ort', 'cpu'];

export interface EngineOptions {
  /** 'auto' (default) takes tfjs-node if it loads, else 'ort', else 'cpu'. */
  backend?: BackendChoice;
  /** Compute threads; default: the machine's cores. */
  threads?: number;
  /** 'ort' only: kernels with less work than this (elements, or multiply-adds) stay in JS. */
  minOrtWork?: number;
  /** 'ort' only: let onnxruntime's threads spin between runs (off by default; see README). */
  allowSpinning?: boolean;
  /** 'ort' only: onnxruntime sessions kept, least recently used evicted first (default 512). */
  maxOrtSessions?: number;
}

export interface EngineInfo {
  backend: BackendName;
  /** Why this backend is the active one, for logs and reports. */
  reason: string;
  threads: number;
  /** Backends 'auto' tried and could not start, with the reason each failed. */
  unavailable: { backend: BackendName; error: string }[];
}

/** Measured with tools/measure-ort-threshold.mjs on a 2-core machine; see the README. */
export const DEFAULT_MIN_ORT_WORK = 4096;

export const TFJS_NODE_HINT =
  'run `npm install @tensorflow/tfjs-node` with internet access (its install script downloads libtensorflow; ' +
  'npm 11 runs it after `npm install-scripts approve @tensorflow/tfjs-node` and `npm rebuild @tensorflow/tfjs-node`)';

const errorText = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] : String(e));

async function startTensorflow(): Promise<void> {
  // The package name is a variable so bundlers leave this optional native dependency alone.
  const name = '@tensorflow/tfjs-node';
  try {
    await import(name);
  } catch (e) {
    throw new Error(`${errorText(e)}; to get it, ${TFJS_NODE_HINT}`);
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialize');
}

async function startOrt(threads: number, options: EngineOptions): Promise<void> {
  registerOrtBackend({
    threads,
    minWork: options.minOrtWork ?? DEFAULT_MIN_ORT_WORK,
    maxSessions: options.maxOrtSessions ?? 512,
    allowSpinning: options.allowSpinning ?? false,
  });
  if (!(await tf.setBackend('ort'))) throw new Error('the ort backend did not initialize');
  quietCpuAdvice(tf.findBackend('cpu'));
}

async function startCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialize');
  quietCpuAdvice(tf.backend());
}

/**
 * Starts a TF.js backend and makes it the active one. With 'auto', a backend that fails to load is
 * recorded in `unavailable` and the next one is tried; a named backend that fails throws EngineError.
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const choice = options.backend ?? 'auto';
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new EngineError(`unknown backend '${choice}': expected one of ${BACKEND_CHOICES.join(', ')}`, String(choice));
  }
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new EngineError(`threads must be a positive integer, got ${threads}`, choice);

  registerFusedKernels();
  const starters: Record<BackendName, () => Promise<void>> = {
    tensorflow: startTensorflow,
    ort: () => startOrt(threads, options),
    cpu: startCpu,
  };
  const reasons: Record<BackendName, string> = {
    tensorflow: 'tfjs-node (libtensorflow) loaded',
    ort: 'onnxruntime-node kernels (tfjs-node not loaded)',
    cpu: 'plain JS kernels: slowest; neither tfjs-node nor onnxruntime-node loaded',
  };
  const order: BackendName[] = choice === 'auto' ? ['tensorflow', 'ort', 'cpu'] : [choice];
  const unavailable: EngineInfo['unavailable'] = [];
  for (const backend of order) {
    try {
      await starters[backend]();
      const reason = choice === 'auto' ? reasons[backend] : `asked for '${backend}'`;
      return { backend, reason, threads, unavailable };
    } catch (e) {
      unavailable.push({ backend, error: errorText(e) });
    }
  }
  const detail = unavailable.map((u) => `${u.backend}: ${u.error}`).join('; ');
  throw new EngineError(`could not start the '${choice}' backend (${detail})`, choice);
}

/** The active 'ort' backend instance (for its stats), or undefined on another backend. */
export function activeOrtBackend(): OrtBackend | undefined {
  return tf.getBackend() === 'ort' ? (tf.backend() as OrtBackend) : undefined;
}
