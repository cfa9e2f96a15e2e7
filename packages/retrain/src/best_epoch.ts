// Choosing a stage's epoch on validation: keep the weights of its best epoch (--keep best) and stop
// when `patience` epochs pass without a better one (--patience). Both are read from the stage's
// history, which checkpoints carry, so a resumed stage chooses and stops as an uninterrupted one.
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadCheckpoint, setModelWeights, storedTensor, writeCheckpoint, type LoadedCheckpoint } from './checkpoint';
import type { EpochProgress } from './train';

export const KEEP_CHOICES = ['last', 'best'] as const;
export type Keep = (typeof KEEP_CHOICES)[number];

/** The epoch of the best validation accuracy so far (the first of equals); undefined without validation. */
export function bestEpoch(history: readonly EpochProgress[]): EpochProgress | undefined {
  return history.reduce<EpochProgress | undefined>((best, e) => (e.validationAccuracy !== undefined && (best === undefined || e.validationAccuracy > best.validationAccuracy!) ? e : best), undefined);
}

/** Whether `patience` epochs (> 0) have passed since the best one without improving on it. */
export function patienceRunOut(history: readonly EpochProgress[], patience: number): boolean {
  const best = bestEpoch(history);
  return patience > 0 && best !== undefined && history[history.length - 1].epoch - best.epoch >= patience;
}

/** The weights of a stage's best epoch so far: in its checkpoint folder (so a resume keeps them), else in memory. */
export class BestWeights {
  private inMemory?: LoadedCheckpoint;
  private readonly dir?: string;

  constructor(checkpointDir: string | undefined) {
    this.dir = checkpointDir && path.join(checkpointDir, 'best');
  }

  record(model: tfl.LayersModel, epoch: number): void {
    const content = { state: { epoch }, groups: { weights: model.weights.map((w) => storedTensor(w.name, w.read())) } };
    if (this.dir) writeCheckpoint(this.dir, content);
    else this.inMemory = { ...content, file: 'the best epoch in memory', refused: [] };
  }

  /** Writes the best epoch's weights into the model (none recorded: the model stays as it is). */
  restore(model: tfl.LayersModel): void {
    const best = this.dir ? loadCheckpoint(this.dir) : this.inMemory;
    if (best) setModelWeights(model, best);
  }
}
