// metrics.csv: a run's epochs, a row each, for the plotting tools people already use. Written as
// each epoch ends (a row replaced when its stage and epoch come again: a resumed or rerun stage)
// and rewritten from the report at the end, so it is whole after any interruption.
import type { StageReport } from '../compress';
import type { EpochProgress } from '../train';

export const METRICS_FILE = 'metrics.csv';

const cell = (v: number | undefined) => (v === undefined ? '' : String(v));

const COLUMNS: readonly [string, (e: EpochProgress) => string][] = [
  ['stage', (e) => e.stage],
  // 1-based, as the report and the progress lines count epochs.
  ['epoch', (e) => String(e.epoch + 1)],
  ['learning_rate', (e) => cell(e.learningRate)],
  ['loss', (e) => cell(e.loss)],
  ['penalty', (e) => cell(e.penalty)],
  ['sparsity', (e) => cell(e.sparsity)],
  ['validation_accuracy', (e) => cell(e.validationAccuracy)],
  ['test_accuracy', (e) => cell(e.quantizedAccuracy)],
  ['float_weights_test_accuracy', (e) => cell(e.floatAccuracy)],
  ['seconds', (e) => cell(e.seconds)],
];

export const METRICS_HEADER = COLUMNS.map(([name]) => name).join(',');

const row = (e: EpochProgress) => COLUMNS.map(([, value]) => value(e)).join(',');
/** A row's stage and epoch: its first two cells. */
const key = (line: string) => line.split(',').slice(0, 2).join(',');

/** Every stage's epochs, in order. */
export const metricsCsv = (stages: readonly StageReport[]): string => [METRICS_HEADER, ...stages.flatMap((s) => s.history.map(row))].join('\n') + '\n';

/** `csv` (a metrics.csv's text, or undefined for none) with the epoch's row added, or replacing the row of the same stage and epoch. */
export function withEpoch(csv: string | undefined, e: EpochProgress): string {
  const rows = (csv ?? '').split('\n').filter((line, i) => line && !(i === 0 && line.startsWith('stage,')));
  const line = row(e);
  const at = rows.findIndex((r) => key(r) === key(line));
  if (at >= 0) rows[at] = line;
  else rows.push(line);
  return [METRICS_HEADER, ...rows].join('\n') + '\n';
}
