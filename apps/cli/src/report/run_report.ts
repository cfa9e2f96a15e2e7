// Everything a compression run reports, in one JSON-serializable record: the report files are
// renderings of it.
import type { CompressReport } from '@sparse-ternary/retrain';
import type { CompressConfig } from '../compress_config';
import type { RunInfo } from '../run_info';

export interface RunReport {
  /** The command line that ran (and resumes with --resume). */
  command: string;
  config: CompressConfig;
  info: RunInfo;
  started: string;
  seconds: number;
  dataset: { name: string; source: string; train: number; test: number };
  /** Test accuracy of the model before compression (for a pretrained model, its own). */
  accuracyBefore: number;
  compress: CompressReport;
  outputs: { file: string; bytes: number }[];
}

export const percent = (v: number | undefined, digits = 2) => (v === undefined ? '-' : `${(100 * v).toFixed(digits)}%`);
