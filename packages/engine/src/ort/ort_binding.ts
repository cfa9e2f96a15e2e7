// onnxruntime-node's public InferenceSession.run is async, but TF.js kernels are synchronous.
// Its internal native binding runs synchronously; it is not public API, so onnxruntime-node is
// pinned to an exact version and checkOrtBinding() fails loudly if the binding changes shape.
import { binding, initOrt } from 'onnxruntime-node/dist/binding.js';
import { Tensor } from 'onnxruntime-common';
import { OrtBindingError } from '../errors';

export type OrtDataType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';
export type OrtData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface OrtValue {
  readonly type: OrtDataType;
  readonly data: OrtData;
  readonly dims: readonly number[];
}

export interface OrtSessionOptions {
  intraOpNumThreads: number;
  /** Whether ORT's pool threads spin between runs; off, they leave the core to TF.js's JS kernels. */
  allowSpinning: boolean;
  /** Writes onnxruntime's per-operator profile to `<profile>_<date>.json` when the session is disposed. */
  profile?: string;
}

/** A loaded one-graph session whose run() returns its outputs synchronously. */
export interface SyncSession {
  run(feeds: Record<string, OrtValue>): Record<string, OrtValue>;
  dispose(): void;
}

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  readonly outputMetadata: { name: string }[];
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, OrtValue>;
  endProfiling(): void;
  dispose(): void;
}

let checked = false;

/** Verifies that the synchronous binding exists with the methods this engine calls. */
export function checkOrtBinding(): void {
  if (checked) return;
  const ctor = (binding as { InferenceSession?: unknown } | undefined)?.InferenceSession;
  if (typeof ctor !== 'function' || typeof initOrt !== 'function') {
    throw new OrtBindingError(
      'onnxruntime-node/dist/binding no longer exports InferenceSession and initOrt; ' +
        'the ort backend needs the exact onnxruntime-node version pinned in @sparse-ternary/engine',
    );
  }
  const proto = (ctor as { prototype: Record<string, unknown> }).prototype;
  for (const method of ['loadModel', 'run', 'endProfiling', 'dispose']) {
    if (typeof proto[method] !== 'function') {
      throw new OrtBindingError(`onnxruntime-node's native InferenceSession has no synchronous ${method}()`);
    }
  }
  initOrt();
  checked = true;
}

export function loadSyncSession(model: Uint8Array, options: OrtSessionOptions): SyncSession {
  checkOrtBinding();
  const native = new (binding.InferenceSession as unknown as new () => NativeSession)();
  native.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } },
    ...(options.profile ? { enableProfiling: true, profileFilePrefix: options.profile } : {}),
  });
  const fetches: Record<string, null> = {};
  for (const { name } of native.outputMetadata) fetches[name] = null;
  return {
    run(feeds) {
      const tensors: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(feeds)) tensors[name] = new Tensor(v.type, v.data, v.dims);
      return native.run(tensors, fetches, {});
    },
    dispose() {
      if (options.profile) native.endProfiling();
      native.dispose();
    },
  };
}
