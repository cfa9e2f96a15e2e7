// What a report records about a run: package versions, the backend, the machine.
import type { EngineInfo } from '@sparse-ternary/engine';
import { createRequire } from 'node:module';
import os from 'node:os';

const require_ = createRequire(import.meta.url);

const PACKAGES = [
  '@sparse-ternary/engine',
  '@sparse-ternary/datasets',
  '@sparse-ternary/models',
  '@sparse-ternary/quantize-prune',
  '@sparse-ternary/regularizers',
  '@sparse-ternary/retrain',
  '@sparse-ternary/hw-cost',
  '@sparse-ternary/onnx',
  '@tensorflow/tfjs-core',
  'onnxruntime-node',
];

/** Versions of the project's packages and of the given ones (an app adds its own). */
export function packageVersions(extra: Record<string, string> = {}): Record<string, string> {
  const found = PACKAGES.map((name) => {
    try {
      return [name, (require_(`${name}/package.json`) as { version: string }).version];
    } catch {
      return [name, 'not found'];
    }
  });
  return { ...extra, ...Object.fromEntries(found) };
}

export interface RunInfo {
  versions: Record<string, string>;
  backend: string;
  backendReason: string;
  threads: number;
  machine: { cpus: number; cpuModel: string; memoryGB: number; platform: string; node: string };
}

export function runInfo(engine: EngineInfo, extraVersions: Record<string, string> = {}): RunInfo {
  return {
    versions: packageVersions(extraVersions),
    backend: engine.backend,
    backendReason: engine.reason,
    threads: engine.threads,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
    },
  };
}
