// What a sweep knows of each run, on disk beside it (so that a restarted sweep, or `sweep status`
// from another shell, sees the same): sweep.json lists the plan's runs; each run's folder holds
// sweep-run.json with its configuration hash, state and attempts, written atomically.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeFolders, writeFileAtomic } from '@sparse-ternary/base';
import type { SweepRun } from './runs';

export type RunStatus = 'pending' | 'running' | 'done' | 'failed';

export interface RunState {
  name: string;
  hash: string;
  status: RunStatus;
  attempts: number;
  seconds?: number;
  error?: string;
}

export const SWEEP_FILE = 'sweep.json';
export const RUN_STATE_FILE = 'sweep-run.json';
export const runDir = (out: string, run: Pick<SweepRun, 'name'>) => path.join(out, 'runs', run.name);

const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined; // absent, or cut short by a crash before its rename: as never written
  }
};

/** The run's recorded state; a state recorded for another configuration (the plan changed) does not count. */
export function readRunState(out: string, run: Pick<SweepRun, 'name' | 'hash'>): RunState {
  const state = readJson<RunState>(path.join(runDir(out, run), RUN_STATE_FILE));
  return state && state.hash === run.hash ? state : { name: run.name, hash: run.hash, status: 'pending', attempts: 0 };
}

export function writeRunState(out: string, state: RunState): void {
  const dir = runDir(out, state);
  makeFolders(dir);
  writeFileAtomic(path.join(dir, RUN_STATE_FILE), JSON.stringify(state, null, 1));
}

/** Finished: recorded done for this configuration, and its report is there. */
export const isFinished = (out: string, run: SweepRun): boolean => readRunState(out, run).status === 'done' && existsSync(path.join(runDir(out, run), 'report.json'));

/** The sweep's runs as its coordinator wrote them (for `sweep status`). */
export interface SweepRecord {
  plan: string;
  runs: Pick<SweepRun, 'name' | 'group' | 'hash'>[];
}

export function writeSweepRecord(out: string, record: SweepRecord): void {
  makeFolders(out);
  writeFileAtomic(path.join(out, SWEEP_FILE), JSON.stringify(record, null, 1));
}

export const readSweepRecord = (out: string): SweepRecord | undefined => readJson<SweepRecord>(path.join(out, SWEEP_FILE));
