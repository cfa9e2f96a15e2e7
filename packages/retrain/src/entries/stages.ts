// @sparse-ternary/retrain/stages: the pipeline's stages without TF.js, for pages and tools that only name them.
export { STAGES, stageOfLabel, type Stage, type StageId } from '../stages';
