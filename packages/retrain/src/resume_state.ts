// Where a resumed training continues: the checkpoint's state, checked against the run resuming it.
// A checkpoint of another configuration (a folder that held an earlier run) or of an impossible
// position (a hand-edited epoch) is refused, not trained on.
import { CheckpointError, type LoadedCheckpoint } from './checkpoint';
import type { EpochProgress } from './train';

/** The version of the state below; a checkpoint of another is refused, not read as this one. */
export const RESUME_STATE_VERSION = 1;

/** The configuration a run was made with: the options that change what it trains (JSON values). */
export type RunConfiguration = Readonly<Record<string, unknown>>;

export interface ResumeState {
  version: number;
  stage: string;
  /** The epoch checkpointed: finished, or interrupted after `batch` batches. */
  epoch: number;
  step: number;
  batch?: number;
  seed: number;
  configuration?: RunConfiguration;
  /** The stage's finished epochs up to this checkpoint, over every sitting: what its report shows after a resume. */
  history?: EpochProgress[];
  /** The stage's training time up to this checkpoint (seconds of wall time, over every sitting). */
  seconds?: number;
}

/** The state a checkpoint records: where training is (mid-epoch with `batch`) and what it is. */
export const resumeStateAt = (position: Omit<ResumeState, 'version'>): ResumeState => ({ version: RESUME_STATE_VERSION, ...position });

export interface ResumeExpectations {
  stage: string;
  epochs: number;
  batches: number;
  configuration?: RunConfiguration;
}

const isCount = (v: unknown, below: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < below;
const isSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** An epoch's record as train() writes it: the fields a report reads, of the right types. */
const isEpoch = (e: unknown, epochs: number): e is EpochProgress => {
  const r = e as Record<string, unknown> | null;
  return typeof r === 'object' && r !== null && isCount(r.epoch, epochs) && isSeconds(r.seconds) && ['loss', 'penalty', 'sparsity'].every((k) => typeof r[k] === 'number');
};

/** The options whose values differ between two configurations, each with both values. */
export function configurationDifferences(made: RunConfiguration, now: RunConfiguration): string[] {
  const keys = [...new Set([...Object.keys(made), ...Object.keys(now)])].sort();
  return keys.filter((k) => JSON.stringify(made[k]) !== JSON.stringify(now[k])).map((k) => `${k} ${JSON.stringify(made[k])} there, ${JSON.stringify(now[k])} here`);
}

export function resumeState(checkpoint: LoadedCheckpoint, expected: ResumeExpectations): ResumeState {
  const { state, file } = checkpoint;
  // Checkpoints from before the version was recorded hold version 1's fields.
  const version = state.version ?? 1;
  if (version !== RESUME_STATE_VERSION) throw new CheckpointError(`holds a resume state of version ${JSON.stringify(version)}; this build resumes version ${RESUME_STATE_VERSION}: start afresh without --resume`, file);
  if (state.stage !== expected.stage) throw new CheckpointError(`holds ${String(state.stage)}, not ${expected.stage}: resume the stage it belongs to`, file);
  if (expected.configuration && state.configuration !== undefined) {
    const differences = configurationDifferences(state.configuration as RunConfiguration, expected.configuration);
    if (differences.length) {
      throw new CheckpointError(`was made by another configuration (${differences.join('; ')}): resume with the options it was made with, or start afresh without --resume`, file);
    }
  }
  const batch = state.batch === undefined ? undefined : state.batch;
  if (!isCount(state.epoch, expected.epochs)) throw new CheckpointError(`epoch ${JSON.stringify(state.epoch)} is not one of this stage's ${expected.epochs}`, file);
  if (batch !== undefined && !isCount(batch, expected.batches)) throw new CheckpointError(`batch ${JSON.stringify(batch)} is not one of an epoch's ${expected.batches}`, file);
  if (!isCount(state.step, Number.MAX_SAFE_INTEGER)) throw new CheckpointError(`step ${JSON.stringify(state.step)} is not a step count`, file);
  // Checkpoints from before the history was recorded have none: the report then starts at the resumed epoch.
  const history = state.history ?? [];
  if (!Array.isArray(history) || !history.every((e) => isEpoch(e, expected.epochs))) throw new CheckpointError('holds an epoch history that is not a list of epoch records', file);
  if (state.seconds !== undefined && !isSeconds(state.seconds)) throw new CheckpointError(`seconds ${JSON.stringify(state.seconds)} is not a duration`, file);
  return {
    version,
    stage: expected.stage,
    epoch: state.epoch,
    step: state.step,
    batch,
    seed: Number(state.seed ?? 0),
    configuration: state.configuration as RunConfiguration | undefined,
    history,
    seconds: state.seconds ?? 0,
  };
}
