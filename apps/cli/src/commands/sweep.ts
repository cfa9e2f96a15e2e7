// sweep: a plan's runs as ordinary `compress` runs, each a child process with its share of the
// cores, on --workers local workers; then the summary. `sweep status` shows where a sweep is.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFolders, writeFileAtomic } from '@sparse-ternary/base';
import { connectionOf, expandPlan, queueSweep, readPlan, readRunState, readSweepRecord, runSweep, startQueueWorker, summarize, writeSummary, type ExecuteRun, type SweepEvent } from '@sparse-ternary/sweep';
import { EXIT, UsageError } from '../errors';
import { SWEEP_PARENT_ENV } from '../parent_watch';
import type { Reporter } from '../progress';

export interface SweepFlags {
  out: string;
  workers: number;
  /** Threads per run; default: the cores shared among the workers. */
  threads?: number;
  /** redis://host:port: put the runs on this BullMQ queue for `sparse-ternary worker`s instead. */
  queue?: string;
}

/** Each run's progress as a line. */
const eventLine = (e: SweepEvent): string =>
  e.kind === 'skip'
    ? `${e.run}: finished earlier, skipped`
    : e.kind === 'start'
      ? `${e.run}: started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`
      : e.kind === 'done'
        ? `${e.run}: done in ${e.seconds.toFixed(0)} s`
        : `${e.run}: attempt ${e.attempt} failed (${e.error})${e.final ? '; giving up' : '; trying again'}`;

/** This command's own entry point, to start each run with. */
const CLI_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** A run as `sparse-ternary compress --config <dir>/sweep-config.json` (its configuration, folder and threads), its output in <dir>/sweep.log. */
export const executeInChild: ExecuteRun = (run, dir, { threads, resume, signal }) => {
  makeFolders(dir);
  const configFile = path.join(dir, 'sweep-config.json');
  writeFileAtomic(configFile, JSON.stringify({ ...run.config, out: dir, threads }, null, 1));
  // Not --quiet: the log gets the run's progress lines (a line per epoch, one a minute within an epoch).
  const args = [CLI_MAIN, 'compress', '--config', configFile, ...(resume && existsSync(path.join(dir, 'run.json')) ? ['--resume'] : [])];
  return new Promise((resolve) => {
    const log = createWriteStream(path.join(dir, 'sweep.log'), { flags: 'a' });
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, env: { ...process.env, [SWEEP_PARENT_ENV]: String(process.pid) } });
    let tail = '';
    child.stdout.pipe(log, { end: false });
    child.stderr.on('data', (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-2000);
    });
    child.on('error', (error) => log.end(() => resolve(error.message)));
    child.on('close', (code, signalName) => log.end(() => resolve(code === 0 ? undefined : `exit ${code ?? signalName}: ${tail.trim().split('\n').pop() ?? ''}`)));
  });
};

export async function sweepCommand(planFile: string, flags: SweepFlags, reporter: Reporter, signal: AbortSignal, print: (text: string) => void): Promise<number> {
  if (planFile === 'status') return sweepStatus(flags.out, print);
  const plan = readPlan(planFile);
  const runs = expandPlan(plan);
  const onEvent = (e: SweepEvent) => reporter.info(eventLine(e));
  let outcome;
  if (flags.queue) {
    reporter.info(`sweep ${planFile}: ${runs.length} runs on the queue ${flags.queue}, results in ${flags.out}; start \`sparse-ternary worker --queue ${flags.queue} --out <this folder>\` on each machine`);
    outcome = await queueSweep(plan, runs, { out: flags.out, connection: connectionOf(flags.queue), onEvent, signal });
  } else {
    const threads = flags.threads ?? Math.max(1, Math.floor(os.availableParallelism() / flags.workers));
    reporter.info(`sweep ${planFile}: ${runs.length} runs on ${flags.workers} worker${flags.workers > 1 ? 's' : ''}, ${threads} thread${threads > 1 ? 's' : ''} each, into ${flags.out}`);
    outcome = await runSweep(plan, runs, { out: flags.out, workers: flags.workers, threads, execute: executeInChild, signal, onEvent });
  }
  if (signal.aborted) return EXIT.interrupted;
  const summary = summarize(planFile, flags.out, runs);
  writeSummary(flags.out, summary);
  reporter.info(`${outcome.ran.length} ran, ${outcome.skipped.length} skipped, ${outcome.failed.length} failed; summary in ${path.join(flags.out, 'summary.md')}`);
  reporter.event('sweep', { ...outcome, summary });
  return outcome.failed.length ? EXIT.failure : EXIT.ok;
}

function sweepStatus(out: string, print: (text: string) => void): number {
  const record = readSweepRecord(out);
  if (!record) throw new UsageError(`${out} holds no sweep (no ${path.join(out, 'sweep.json')})`);
  const states = record.runs.map((run) => readRunState(out, run));
  const count = (status: string) => states.filter((s) => s.status === status).length;
  print(
    [
      `sweep ${record.plan}: ${count('done')} of ${states.length} done, ${count('running')} running, ${count('failed')} failed, ${count('pending')} pending`,
      '| run | status | attempts | seconds |',
      '|---|---|---|---|',
      ...states.map((s) => `| ${s.name} | ${s.status} | ${s.attempts} | ${s.seconds?.toFixed(0) ?? ''} |`),
    ].join('\n') + '\n',
  );
  return EXIT.ok;
}

export interface WorkerFlags {
  queue: string;
  out: string;
  threads?: number;
  lockSeconds: number;
}

/** Takes runs off a sweep's queue into the shared folder until Ctrl-C or SIGTERM. */
export async function workerCommand(flags: WorkerFlags, reporter: Reporter, signal: AbortSignal): Promise<number> {
  const threads = flags.threads ?? os.availableParallelism();
  const worker = startQueueWorker({ out: flags.out, connection: connectionOf(flags.queue), threads, execute: executeInChild, lockMs: flags.lockSeconds * 1000, onEvent: (e) => reporter.info(eventLine(e)) });
  reporter.info(`worker on ${flags.queue}, runs into ${flags.out} with ${threads} threads (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await worker.close();
  return EXIT.interrupted;
}
