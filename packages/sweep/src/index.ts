export { PlanError } from './errors';
export { parsePlan, readPlan, SWEEP_OWNED_OPTIONS, type SweepPlan } from './plan';
export { configHash, expandPlan, type SweepRun } from './runs';
export { isFinished, readRunState, readSweepRecord, runDir, type RunState, type RunStatus, type SweepRecord } from './run_state';
export { runSweep, type ExecuteOptions, type ExecuteRun, type SweepEvent, type SweepOptions, type SweepOutcome } from './run_sweep';
export { paretoSvg, stat, summarize, summaryMarkdown, writeSummary, type GroupSummary, type Stat, type SweepSummary } from './summary';
export { connectionOf, queueSweep, startQueueWorker, QUEUE_NAME, type QueueSweepOptions, type QueueWorkerOptions } from './queue';
export { color, histogramSvg, paretoFront, scatterSvg, type Axis, type ChartPoint, type HistogramSeries, type ScatterSeries } from './svg_charts';
