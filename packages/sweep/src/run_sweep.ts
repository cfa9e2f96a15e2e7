// Runs a sweep's runs on `workers` local workers: each run is executed by the caller (the CLI starts
// `sparse-ternary compress` in a child process with a thread budget), a failed run is tried again
// up to the plan's retries (resuming from its checkpoints), a finished run is skipped, and a run
// that starts from a pretraining run waits for that one only.
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
  const pending = runs.filter((run) => !skipFinished(options.out, run, outcome, options.onEvent));
  const byName = new Map(runs.map((run) => [run.name, run]));
  // A run can go once its pretraining run is done (not when every seed's is), so no worker idles while one pretrains.
  const ready = (run: SweepRun) => !run.needs || isFinished(options.out, byName.get(run.needs)!);
  const blocked = (run: SweepRun) => run.needs !== undefined && outcome.failed.includes(run.needs);
  let running = 0;
  let wake = () => {};
  let finishedOne = new Promise<void>((resolve) => (wake = resolve));
  const attempt = async (run: SweepRun, threads: number) => {
    for (let tries = 0; tries <= plan.retries && !options.signal?.aborted; tries++) {
      const final = tries === plan.retries;
      const error = await attemptRun(options.out, run, options.execute, { threads, final, signal: options.signal, onEvent: options.onEvent });
      if (error === undefined) return void outcome.ran.push(run.name);
      if (final && !options.signal?.aborted) outcome.failed.push(run.name);
    }
  };
  const worker = async () => {
    while (pending.length && !options.signal?.aborted) {
      for (const run of pending.filter(blocked)) {
        pending.splice(pending.indexOf(run), 1);
        failUnstarted(run, outcome, options.onEvent);
      }
      const next = pending.find(ready);
      if (!next) {
        if (running === 0) break; // only runs whose pretraining failed were left
        await finishedOne;
        continue;
      }
      pending.splice(pending.indexOf(next), 1);
      // Fewer runs that can go than workers (one pretraining run, say): each takes the idle workers' threads too.
      const canGo = running + 1 + pending.filter(ready).length;
      const threads = options.threads * Math.floor(options.workers / Math.min(options.workers, canGo));
      running++;
      await attempt(next, threads);
      running--;
      wake();
      finishedOne = new Promise<void>((resolve) => (wake = resolve));
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return outcome;
}

/** A finished run: skipped, recorded in the outcome. */
function skipFinished(out: string, run: SweepRun, outcome: SweepOutcome, onEvent?: (event: SweepEvent) => void): boolean {
  if (!isFinished(out, run)) return false;
  outcome.skipped.push(run.name);
  onEvent?.({ kind: 'skip', run: run.name });
  return true;
}

/** A run whose pretraining run did not finish: failed without starting. */
function failUnstarted(run: SweepRun, outcome: SweepOutcome, onEvent?: (event: SweepEvent) => void): void {
  outcome.failed.push(run.name);
  onEvent?.({ kind: 'fail', run: run.name, attempt: 0, error: `its pretraining run ${run.needs} did not finish`, final: true });
}

/**
 * A queue phase's runs still to do: a finished one is skipped, one whose pretraining run did not
 * finish fails without starting; both recorded in the outcome.
 */
export function unfinished(out: string, runs: SweepRun[], phase: SweepRun[], outcome: SweepOutcome, onEvent?: (event: SweepEvent) => void): SweepRun[] {
  return phase.filter((run) => {
    if (skipFinished(out, run, outcome, onEvent)) return false;
    const needed = runs.find((r) => r.name === run.needs);
    if (needed && !isFinished(out, needed)) {
      failUnstarted(run, outcome, onEvent);
      return false;
    }
    return true;
  });
}
