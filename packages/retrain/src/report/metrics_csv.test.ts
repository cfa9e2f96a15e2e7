// metrics.csv rows: one per stage and epoch, replaced (not doubled) when an epoch comes again.
import type { EpochProgress } from '../train';
import { METRICS_HEADER, metricsCsv, withEpoch } from './metrics_csv';

const epoch = (stage: string, n: number, loss: number, validationAccuracy?: number): EpochProgress =>
  ({ stage, epoch: n, loss, penalty: 0, sparsity: 0.95, learningRate: 0.001, quantizedAccuracy: 0.9, floatAccuracy: 0.8, validationAccuracy, regularizerTerms: {}, seconds: 2 }) as EpochProgress;

test('a row per epoch, 1-based, empty cells where a metric was not measured', () => {
  expect(withEpoch(undefined, epoch('stage 1', 0, 0.5))).toBe(`${METRICS_HEADER}\nstage 1,1,0.001,0.5,0,0.95,,0.9,0.8,2\n`);
});

test('an epoch that comes again (a resumed or rerun stage) replaces its row in place', () => {
  let csv = withEpoch(undefined, epoch('stage 1', 0, 0.5));
  csv = withEpoch(csv, epoch('stage 1', 1, 0.4));
  csv = withEpoch(csv, epoch('stage 1', 0, 0.3, 0.7));
  expect(csv.trim().split('\n').slice(1)).toEqual(['stage 1,1,0.001,0.3,0,0.95,0.7,0.9,0.8,2', 'stage 1,2,0.001,0.4,0,0.95,,0.9,0.8,2']);
});

test("the whole file from the stages' histories", () => {
  const stages = [{ stage: 'stage 1', history: [epoch('stage 1', 0, 0.5)] }, { stage: 'stage 3', history: [epoch('stage 3', 0, 0.2)] }];
  expect(metricsCsv(stages as never).trim().split('\n').map((r) => r.split(',').slice(0, 4).join(','))).toEqual(['stage,epoch,learning_rate,loss', 'stage 1,1,0.001,0.5', 'stage 3,1,0.001,0.2']);
});
