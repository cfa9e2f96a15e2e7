import type { BackendValues, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { quietCpuAdvice } from '../quiet_cpu_advice';
import { GraphBuilder, type GraphDataType } from './onnx_graph';
import { LruCache } from './lru_cache';
import { loadSyncSession, type OrtDataType, type OrtValue, type SyncSession } from './ort_binding';

export interface OrtBackendOptions {
  /** onnxruntime intra-op threads. */
  threads: number;
  /** Kernels whose work (output elements, or multiply-adds for matmul/conv) is below this stay on the cpu kernels. */
  minWork: number;
  /** Cached onnxruntime sessions, one per (kernel, shapes, attributes). */
  maxSessions: number;
  allowSpinning: boolean;
}

/** What the body of a kernel graph returns: its output value names and their types. */
export interface GraphOutput {
  name: string;
  dtype: GraphDataType;
}
export type GraphBody = (g: GraphBuilder, inputs: string[]) => GraphOutput[];

interface CachedGraph {
  session: SyncSession;
  outputs: string[];
}

export interface OrtBackendStats {
  /** Kernel calls executed by onnxruntime. */
  ortRuns: number;
  /** Sessions built (cache misses). */
  sessionsBuilt: number;
  /** Sessions currently cached. */
  sessionsCached: number;
}

/**
 * The cpu backend with its heavy kernels run by onnxruntime. Tensors live in JS typed arrays as on
 * the cpu backend, so every cpu kernel works unchanged on this backend and small ops stay in JS.
 */
export class OrtBackend extends MathBackendCPU {
  private readonly graphs: LruCache<CachedGraph>;
  private ortRuns = 0;
  private sessionsBuilt = 0;

  constructor(private settings: OrtBackendOptions) {
    super();
    quietCpuAdvice(this);
    this.graphs = new LruCache(settings.maxSessions, (g) => g.session.dispose());
  }

  get options(): OrtBackendOptions {
    return this.settings;
  }

  /** New options apply to later kernels; sessions built with other thread settings are dropped. */
  set options(options: OrtBackendOptions) {
    const sessionSettingsChanged =
      options.threads !== this.settings.threads || options.allowSpinning !== this.settings.allowSpinning;
    this.settings = options;
    if (sessionSettingsChanged) this.graphs.clear();
    this.graphs.resize(options.maxSessions);
  }

  /** Whether a kernel doing this much work should leave JS. */
  worthOffloading(work: number): boolean {
    return work >= this.options.minWork;
  }

  get stats(): OrtBackendStats {
    return { ortRuns: this.ortRuns, sessionsBuilt: this.sessionsBuilt, sessionsCached: this.graphs.size };
  }

  /**
   * Runs the graph `body` builds on `inputs`, building and caching its session on first use.
   * `key` names the kernel and its attributes; input shapes and types are added to it here.
   * `shapes` overrides output shapes where TF.js wants a different view of the same data.
   */
  runGraph(key: string, inputs: readonly TensorInfo[], body: GraphBody, shapes?: number[][]): TensorInfo[] {
    const fullKey = `${key}|${inputs.map((t) => `${t.dtype}[${t.shape}]`).join(',')}`;
    const graph = this.graphs.getOrCreate(fullKey, () => {
      const g = new GraphBuilder();
      const names = inputs.map((t, i) => g.input(`x${i}`, t.dtype as GraphDataType, t.shape));
      const outputs = body(g, names);
      for (const o of outputs) g.output(o.name, o.dtype);
      this.sessionsBuilt++;
      const session = loadSyncSession(g.build(), {
        intraOpNumThreads: this.options.threads,
        allowSpinning: this.options.allowSpinning,
      });
      return { session, outputs: outputs.map((o) => o.name) };
    });
    const feeds: Record<string, OrtValue> = {};
    inputs.forEach((t, i) => {
      const stored = this.data.get(t.dataId);
      // TF.js's cpu kernels (run here below minWork) may keep int32 values in a Float32Array (oneHot does): onnxruntime takes Int32Array only.
      if (t.dtype === 'int32' && !(stored.values instanceof Int32Array)) stored.values = Int32Array.from(stored.values as Float32Array);
      feeds[`x${i}`] = { type: t.dtype as OrtDataType, data: stored.values as OrtValue['data'], dims: t.shape };
    });
    const result = graph.session.run(feeds);
    this.ortRuns++;
    return graph.outputs.map((name, i) => {
      const value = result[name];
      const shape = shapes?.[i] ?? [...value.dims];
      return this.makeTensorInfo(shape, value.type as DataType, value.data as BackendValues);
    });
  }

  override dispose(): void {
    this.graphs.clear();
    super.dispose();
  }
}
