// The pipeline's stages, declared once: retrain names its runs and checkpoint folders from here,
// the CLI its stage commands' files, the notebook its cells and the events it sends the page.

export interface Stage<I extends StageId = StageId> {
  /** The key: the notebook's cell, the events' stage id. */
  id: I;
  /** What reports, progress and checkpoints call it (train's `stage`). */
  label: string;
  /** The checkpoint folder under a run's checkpoints/. */
  folder: string;
  /** The short name on a report's epoch axis (s1 e2). */
  short: string;
}

export type StageId = 'stage0' | 'stage1' | 'prune' | 'stage3';

const stage = <I extends StageId>(id: I, n: number): Stage<I> => ({ id, label: `stage ${n}`, folder: `stage-${n}`, short: `s${n}` });

/** Float pretraining, ternary training with the regularizers, quantization pruning, retraining with the mask fixed. */
export const STAGES: { readonly [I in StageId]: Stage<I> } = {
  stage0: stage('stage0', 0),
  stage1: stage('stage1', 1),
  prune: stage('prune', 2),
  stage3: stage('stage3', 3),
};

/** The stage a report or progress label names (undefined for a label outside the pipeline). */
export const stageOfLabel = (label: string): Stage | undefined => Object.values(STAGES).find((s) => s.label === label);
