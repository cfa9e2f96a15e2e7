// Test helper: the PyTorch-exported reference models in ../shared/models (CI has them; users do not).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ReferenceCase {
  input: number[];
  inputShape: number[];
  logits: number[];
  logitsShape: number[];
  testAccuracy: number;
  labels: number[];
  opset: number;
  dataset: string;
}

export const SHARED_MODELS = ['lfc', 'lenet5'] as const;

/** The path of ../shared/models/<name>.onnx; throws (so the test fails, not skips) when it is missing. */
export function sharedModel(name: string): string {
  const file = path.resolve(__dirname, '../../../../../shared/models', `${name}.onnx`);
  if (!existsSync(file)) throw new Error(`test model missing: ${file} (the ../shared folder beside the repository)`);
  return file;
}

export const referenceCase = (name: string): ReferenceCase => JSON.parse(readFileSync(sharedModel(name).replace(/\.onnx$/, '.json'), 'utf8'));
