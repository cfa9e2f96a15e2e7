// Sweeps on many machines through a Redis job queue (BullMQ): the coordinator puts each unfinished
// run on the queue as a job (its id the sweep's hash and the run's name: putting a sweep on again adds
// nothing twice) and waits; a worker on each machine takes jobs and runs them into the shared output
// folder. A worker that dies stops renewing its job's lock, and BullMQ's stalled-job check hands
// the job to another worker, which resumes from the run's checkpoints; a run that fails is tried
// again up to the plan's retries.
import { createHash } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { SweepPlan } from './plan';
import { attemptRun } from './run_attempt';
import { readRunState, writeSweepRecord } from './run_state';
import { unfinished, type ExecuteRun, type SweepEvent, type SweepOutcome } from './run_sweep';
import { phases, type SweepRun } from './runs';

export const QUEUE_NAME = 'sparse-ternary-sweep';

/** What a job carries: the run, and the sweep it belongs to. */
interface RunJob {
  sweep: string;
  run: SweepRun;
}

/** A redis:// URL as BullMQ's connection options. */
export function connectionOf(url: string): ConnectionOptions {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`--queue ${url}: expected redis://host:port`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's workers block on Redis: no retry limit per request.
    maxRetriesPerRequest: null,
  };
}

/** A sweep's identity on the queue: its runs' hashes (the same plan on the same runs is the same sweep). */
const sweepId = (runs: SweepRun[]) => createHash('sha256').update(runs.map((r) => r.hash).join()).digest('hex').slice(0, 16);

export interface QueueSweepOptions {
  out: string;
  connection: ConnectionOptions;
  onEvent?: (event: SweepEvent) => void;
  signal?: AbortSignal;
  /** How often the coordinator looks at its jobs (ms). */
  pollMs?: number;
}

/** Puts the unfinished runs on the queue and waits until each is done or has failed for good. */
export async function queueSweep(plan: SweepPlan, runs: SweepRun[], options: QueueSweepOptions): Promise<SweepOutcome> {
  writeSweepRecord(options.out, { plan: plan.file, runs: runs.map(({ name, group, hash }) => ({ name, group, hash })) });
  const queue = new Queue<RunJob>(QUEUE_NAME, { connection: options.connection });
  try {
    const sweep = sweepId(runs);
    const outcome: SweepOutcome = { ran: [], skipped: [], failed: [] };
    // Phase by phase: the runs that start from pretraining runs go on once those are done.
    for (const phase of phases(runs)) {
      if (options.signal?.aborted) break;
      const pending = new Map<string, SweepRun>();
      for (const run of unfinished(options.out, runs, phase, outcome, options.onEvent)) {
        const jobId = `${sweep}.${run.name}`; // BullMQ refuses ":" in ids
        // A job an earlier invocation left finished (failed for good, or done but its report gone) is replaced; one waiting or running stays.
        const earlier = await queue.getJob(jobId);
        if (earlier && ((await earlier.isFailed()) || (await earlier.isCompleted()))) await earlier.remove();
        await queue.add(run.name, { sweep, run }, { jobId, attempts: plan.retries + 1, removeOnComplete: false, removeOnFail: false });
        pending.set(jobId, run);
      }
      while (pending.size && !options.signal?.aborted) {
        await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
        for (const [jobId, run] of pending) {
          const state = await queue.getJobState(jobId);
          if (state === 'completed') outcome.ran.push(run.name);
          else if (state === 'failed') outcome.failed.push(run.name);
          else continue;
          pending.delete(jobId);
          options.onEvent?.(state === 'completed' ? { kind: 'done', run: run.name, seconds: readRunState(options.out, run).seconds ?? 0 } : { kind: 'fail', run: run.name, attempt: plan.retries + 1, error: readRunState(options.out, run).error ?? 'failed', final: true });
        }
      }
    }
    return outcome;
  } finally {
    await queue.close();
  }
}

export interface QueueWorkerOptions {
  /** The shared output folder, as this machine mounts it. */
  out: string;
  connection: ConnectionOptions;
  threads: number;
  execute: ExecuteRun;
  /** How long a job's lock outlives a silent worker before another may take the run (ms; default 30 s). */
  lockMs?: number;
  onEvent?: (event: SweepEvent) => void;
}

/** Takes runs off the queue, one at a time, until closed. */
export function startQueueWorker(options: QueueWorkerOptions): { close(): Promise<void> } {
  const lockDuration = options.lockMs ?? 30_000;
  const worker = new Worker<RunJob>(
    QUEUE_NAME,
    async (job: Job<RunJob>) => {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const error = await attemptRun(options.out, job.data.run, options.execute, { threads: options.threads, final, onEvent: options.onEvent });
      if (error !== undefined) throw new Error(error);
    },
    { connection: options.connection, concurrency: 1, lockDuration, stalledInterval: lockDuration, maxStalledCount: 2 },
  );
  return { close: () => worker.close() };
}
