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
  /** When this sitting started (the resumed one, for a run resumed with --resume). */
  started: string;
  /** The whole run's time: this sitting's and the stages' training time in earlier sittings (runSeconds). */
  seconds: number;
  /** This sitting's time, when the run was resumed (seconds then counts earlier sittings too). */
  sittingSeconds?: number;
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

/** A run's time over every sitting: this sitting's, plus what its stages trained before a resume (from their checkpoints). */
export function runSeconds(compress: CompressReport, sittingSeconds: number): Pick<RunReport, 'seconds' | 'sittingSeconds'> {
  const earlier = compress.stages.reduce((n, s) => n + s.earlierSeconds, 0);
  return earlier > 0 ? { seconds: sittingSeconds + earlier, sittingSeconds } : { seconds: sittingSeconds };
}

export const percent = (v: number | undefined, digits = 2) => (v === undefined ? '-' : `${(100 * v).toFixed(digits)}%`);
