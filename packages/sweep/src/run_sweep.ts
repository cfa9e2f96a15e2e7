// Runs a sweep's runs on `workers` local workers: each run is executed by the caller (the CLI starts
// `sparse-ternary compress` in a child process with a thread budget), a failed run is tried again
// up to the plan's retries (resuming from its checkpoints), and a finished run is skipped.
import type { SweepPlan } from './plan';
import { attemptRun } from './run_attempt';
import { isFinished, writeSweepRecord } from './run_state';
import { phases, type SweepRun } from './runs';

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
  for (const phase of phases(runs)) {
    const queue = unfinished(options.out, runs, phase, outcome, options.onEvent);
    // Fewer runs than workers (the pretraining runs, say): each gets the idle workers' threads too.
    const workers = Math.min(options.workers, queue.length);
    const threads = options.threads * Math.floor(options.workers / Math.max(1, workers));
    const worker = async () => {
      for (let run = queue.shift(); run && !options.signal?.aborted; run = queue.shift()) await attempt(run);
    };
    const attempt = async (run: SweepRun) => {
      for (let tries = 0; tries <= plan.retries && !options.signal?.aborted; tries++) {
        const final = tries === plan.retries;
        const error = await attemptRun(options.out, run, options.execute, { threads, final, signal: options.signal, onEvent: options.onEvent });
        if (error === undefined) return void outcome.ran.push(run.name);
        if (final && !options.signal?.aborted) outcome.failed.push(run.name);
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  }
  return outcome;
}

/**
 * A phase's runs still to do: a finished one is skipped, one whose pretraining run did not finish
 * fails without starting; both recorded in the outcome.
 */
export function unfinished(out: string, runs: SweepRun[], phase: SweepRun[], outcome: SweepOutcome, onEvent?: (event: SweepEvent) => void): SweepRun[] {
  return phase.filter((run) => {
    if (isFinished(out, run)) {
      outcome.skipped.push(run.name);
      onEvent?.({ kind: 'skip', run: run.name });
      return false;
    }
    const needed = runs.find((r) => r.name === run.needs);
    if (needed && !isFinished(out, needed)) {
      outcome.failed.push(run.name);
      onEvent?.({ kind: 'fail', run: run.name, attempt: 0, error: `its pretraining run ${needed.name} did not finish`, final: true });
      return false;
    }
    return true;
  });
}
