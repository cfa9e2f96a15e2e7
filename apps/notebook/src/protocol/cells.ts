import { STAGES } from '@sparse-ternary/retrain/stages';

/** The notebook's cells, in page order: running one invalidates those after it. The pipeline's cells are its stages. */
export const CELLS = ['data', 'model', STAGES.stage1.id, STAGES.prune.id, STAGES.stage3.id, 'cost', 'export', 'sweep'] as const;
export type CellName = (typeof CELLS)[number];

/** The cells that train in the background: their results arrive as events. */
export const TRAINING_CELLS: readonly CellName[] = [STAGES.stage1.id, STAGES.stage3.id, 'sweep'];
