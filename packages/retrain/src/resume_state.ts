// Where a resumed training continues: the checkpoint's state, checked against the run resuming it.
// A checkpoint of another configuration (a folder that held an earlier run) or of an impossible
// position (a hand-edited epoch) is refused, not trained on.
import { CheckpointError, type LoadedCheckpoint } from './checkpoint';

/** The configuration a run was made with: the options that change what it trains (JSON values). */
export type RunConfiguration = Readonly<Record<string, unknown>>;

export interface ResumeState {
  stage: string;
  /** The epoch checkpointed: finished, or interrupted after `batch` batches. */
  epoch: number;
  step: number;
  batch?: number;
  configuration?: RunConfiguration;
}

export interface ResumeExpectations {
  stage: string;
  epochs: number;
  batches: number;
  configuration?: RunConfiguration;
}

const isCount = (v: unknown, below: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < below;

/** The options whose values differ between two configurations, each with both values. */
export function configurationDifferences(made: RunConfiguration, now: RunConfiguration): string[] {
  const keys = [...new Set([...Object.keys(made), ...Object.keys(now)])].sort();
  return keys.filter((k) => JSON.stringify(made[k]) !== JSON.stringify(now[k])).map((k) => `${k} ${JSON.stringify(made[k])} there, ${JSON.stringify(now[k])} here`);
}

export function resumeState(checkpoint: LoadedCheckpoint, expected: ResumeExpectations): ResumeState {
  const { state, file } = checkpoint;
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
  return { stage: expected.stage, epoch: state.epoch, step: state.step, batch, configuration: state.configuration as RunConfiguration | undefined };
}
