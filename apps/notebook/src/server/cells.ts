/** The notebook's cells, in page order: running one invalidates those after it. */
export const CELLS = ['data', 'model', 'stage1', 'prune', 'stage3', 'cost', 'export', 'sweep'] as const;
export type CellName = (typeof CELLS)[number];
