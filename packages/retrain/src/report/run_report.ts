// Everything a compression run reports, in one JSON-serializable record: the report files are
// renderings of it.
import type { CompressReport } from '../compress';
import type { RunInfo } from './run_info';
import type { TestTimeAugmentation } from '../evaluate';

export interface RunReport {
  /** The command line that ran (and resumes with --resume). */
  command: string;
  /** The resolved configuration (the CLI's options, the notebook's cells); model and method name the run. */
  config: { model: string; method: string } & Record<string, unknown>;
  info: RunInfo;
  started: string;
  seconds: number;
  dataset: { name: string; source: string; train: number; test: number };
  /** Test accuracy of the model before compression (for a pretrained model, its own). */
  accuracyBefore: number;
  /** Accuracy of the deployed model on training images held out from training, for choosing hyperparameters. */
  validation?: { count: number; accuracy: number };
  /** With test-time augmentation (--tta): the deployed model's test accuracy so measured, reported beside the plain one and never used to choose. */
  tta?: { method: Exclude<TestTimeAugmentation, 'none'>; accuracy: number };
  compress: CompressReport;
  outputs: { file: string; bytes: number }[];
}

export const percent = (v: number | undefined, digits = 2) => (v === undefined ? '-' : `${(100 * v).toFixed(digits)}%`);
