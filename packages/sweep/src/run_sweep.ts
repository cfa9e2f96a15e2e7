// Runs a sweep's runs on `workers` local workers: each run is executed by the caller (the CLI starts
// `sparse-ternary compress` in a child process with a thread budget), a failed run is tried again
// up to the plan's retries (resuming from its checkpoints), and a finished run is skipped.
import type { SweepPlan } from './plan';
import { attemptRun } from './run_attempt';
import { isFinished, writeSweepRecord } from './run_state';
import type { SweepRun } from './runs';

export interface ExecuteOptions {
  /** Compute threads for the run (its share of the cores). */
  threads: number;
  /** Continue from the checkpoints an earlier attempt left. */
  resume: boolean;
  signal?: AbortSignal;
}

/** Runs one run into `dir`; resolves with the error that stopped it, or undefined. */
export type ExecuteRun = (run: SweepRun, dir: string, options: ExecuteOptions) => Promise<string | undefined>;

export type SweepEvent = { kind: 'skip'; run: string } | { kind: 'start'; run: string; attempt: number } | { kind: 'done'; run: string; seconds: number } | { kind: 'fail'; run: string; attempt: number; error: string; final: boolean };

export interface SweepOptions {
  out: string;
  workers: number;
  /** Threads per run (workers x threads should fit the cores). */
  threads: number;
  execute: ExecuteRun;
  onEvent?: (event: SweepEvent) => void;
  signal?: AbortSignal;
}

export interface SweepOutcome {
  ran: string[];
  skipped: string[];
  failed: string[];
}

export async function runSweep(plan: SweepPlan, runs: SweepRun[], options: SweepOptions): Promise<SweepOutcome> {
  writeSweepRecord(options.out, { plan: plan.file, runs: runs.map(({ name, group, hash }) => ({ name, group, hash })) });
  const outcome: SweepOutcome = { ran: [], skipped: [], failed: [] };
  const queue = runs.filter((run) => {
    const finished = isFinished(options.out, run);
    if (finished) {
      outcome.skipped.push(run.name);
      options.onEvent?.({ kind: 'skip', run: run.name });
    }
    return !finished;
  });
  const worker = async () => {
    for (let run = queue.shift(); run && !options.signal?.aborted; run = queue.shift()) await attempt(run);
  };
  const attempt = async (run: SweepRun) => {
    for (let tries = 0; tries <= plan.retries && !options.signal?.aborted; tries++) {
      const final = tries === plan.retries;
      const error = await attemptRun(options.out, run, options.execute, { threads: options.threads, final, signal: options.signal, onEvent: options.onEvent });
      if (error === undefined) return void outcome.ran.push(run.name);
      if (final && !options.signal?.aborted) outcome.failed.push(run.name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers, queue.length) }, worker));
  return outcome;
}
