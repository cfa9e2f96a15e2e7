// One attempt at a run, the same on a local worker and a queue worker: recorded running (its
// attempt counted in sweep-run.json), executed (resuming from checkpoints when an earlier attempt at
// this configuration left them), then recorded done, failed (its last attempt) or pending, each
// with its event.
import { readRunState, runDir, writeRunState } from './run_state';
import type { ExecuteRun, SweepEvent } from './run_sweep';
import { resolvedRun, type SweepRun } from './runs';

export interface AttemptOptions {
  threads: number;
  /** Whether a failure now is the run's last (no retry follows). */
  final: boolean;
  signal?: AbortSignal;
  onEvent?: (event: SweepEvent) => void;
}

/** Resolves with the error that stopped the run, or undefined when it finished. */
export async function attemptRun(out: string, run: SweepRun, execute: ExecuteRun, { threads, final, signal, onEvent }: AttemptOptions): Promise<string | undefined> {
  const state = { name: run.name, hash: run.hash, attempts: readRunState(out, run).attempts + 1 };
  writeRunState(out, { ...state, status: 'running' });
  onEvent?.({ kind: 'start', run: run.name, attempt: state.attempts });
  const started = Date.now();
  const error = await execute(resolvedRun(out, run), runDir(out, run), { threads, resume: state.attempts > 1, signal });
  const seconds = (Date.now() - started) / 1000;
  if (error === undefined) {
    writeRunState(out, { ...state, status: 'done', seconds });
    onEvent?.({ kind: 'done', run: run.name, seconds });
  } else if (signal?.aborted) {
    // Stopped (Ctrl-C): neither done nor failed; the next invocation resumes it.
    writeRunState(out, { ...state, status: 'pending', error });
  } else {
    writeRunState(out, { ...state, status: final ? 'failed' : 'pending', error });
    onEvent?.({ kind: 'fail', run: run.name, attempt: state.attempts, error, final });
  }
  return error;
}
