// Progress in logs (stdout not a terminal): a line per epoch with speed and ETA, and within an
// epoch at most one line a minute, on a clock the test moves.
import type { BatchProgress, EpochProgress } from '@sparse-ternary/retrain';
import { duration, makeReporter, PROGRESS_LINE_SECONDS } from './progress';

const batch = (n: number, etaSeconds: number): BatchProgress => ({ stage: 'stage 1', epoch: 0, epochs: 2, batch: n, batches: 100, loss: 0.5, penalty: 0, samplesPerSecond: 1234.4, etaSeconds });
const epoch: EpochProgress = { stage: 'stage 1', epoch: 0, loss: 0.25, penalty: 0, quantizedAccuracy: 0.9, floatAccuracy: 0.91, sparsity: 0.95, regularizerTerms: {}, seconds: 205, learningRate: 0.001 };

test('durations read at a glance', () => {
  expect([duration(5), duration(75), duration(3725), duration(Infinity)]).toEqual(['5s', '1m15s', '1h02m', '-']);
});

test('lines mode: one progress line at most every minute within an epoch, then the epoch line with samples/s and ETA', () => {
  const written: string[] = [];
  let clock = 1000;
  const reporter = makeReporter('lines', { write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream, () => clock);
  reporter.stage('stage 1', 2);
  // 205 s of batches, one a second: lines at 60 s, 120 s and 180 s after the stage began.
  for (let n = 1; n <= 205; n++) {
    clock += 1;
    reporter.batch(batch(n, 400 - n));
  }
  reporter.epoch(epoch);
  const progress = written.filter((line) => line.includes(': batch '));
  expect(progress).toEqual([60, 120, 180].map((n) => `stage 1 epoch 1/2: batch ${n}/100, loss 0.5000, 1234 samples/s, stage ETA ${duration(400 - n)}\n`));
  expect(PROGRESS_LINE_SECONDS).toBe(60);
  expect(written.at(-1)).toBe('stage 1 epoch 1: loss 0.2500, penalty 0.00e+0, sparsity 95.00%, test accuracy 90.00% (float weights 91.00%), 205.0 s, 1234 samples/s, stage ETA 3m15s\n');
});
