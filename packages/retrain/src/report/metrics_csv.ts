// metrics.csv: a run's epochs, a row each, for the plotting tools people already use. Written as
// each epoch ends (a row replaced when its stage and epoch come again: a resumed or rerun stage)
// and rewritten from the report at the end, so it is whole after any interruption.
import type { StageReport } from '../compress';
import type { EpochProgress } from '../train';

export const METRICS_FILE = 'metrics.csv';

/** An epoch's numbers by name: metrics.csv's columns after stage and epoch, and the TensorBoard scalars' tags. */
export const epochMetrics = (e: EpochProgress): Record<string, number | undefined> => ({
  learning_rate: e.learningRate,
  loss: e.loss,
  penalty: e.penalty,
  sparsity: e.sparsity,
  validation_accuracy: e.validationAccuracy,
  test_accuracy: e.quantizedAccuracy,
  float_weights_test_accuracy: e.floatAccuracy,
  seconds: e.seconds,
});

const cell = (v: number | undefined) => (v === undefined ? '' : String(v));

// The epoch 1-based, as the report and the progress lines count them.
export const METRICS_HEADER = ['stage', 'epoch', ...Object.keys(epochMetrics({} as EpochProgress))].join(',');

const row = (e: EpochProgress) => [e.stage, String(e.epoch + 1), ...Object.values(epochMetrics(e)).map(cell)].join(',');
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
