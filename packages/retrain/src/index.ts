export { train, type BatchProgress, type EpochProgress, type TrainOptions, type TrainResult } from './train';
export { TRAINING_STEPS, type TrainingStepChoice } from './training_steps';
export { compiledStep, type CompiledStepOptions } from './compiled_step';
export { strengthsAt } from './compiled_regularizer';
export { accuracy, quantizedAccuracy, TEST_TIME_AUGMENTATIONS, type TestTimeAugmentation } from './evaluate';
export { constantRate, cosineDecay, LR_SCHEDULES, oneCycle, stageRate, stepDecay, withWarmup, type LearningRateSchedule, type LearningRateScheduleName, type StageSchedule } from './learning_rate';
export { makeOptimizer, OPTIMIZERS, type OptimizerName, type SchedulableOptimizer } from './optimizer';
export { NonFiniteOutputError, TrainingError, TrainingInterrupted } from './errors';
export {
  CheckpointError,
  CHECKPOINT_FORMAT_VERSION,
  LATEST,
  PREVIOUS,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  setModelWeights,
  storedTensor,
  writeCheckpoint,
  type CheckpointContent,
  type LoadedCheckpoint,
  type StoredTensor,
} from './checkpoint';
export {
  compress,
  deploy,
  pruneStage,
  retrainStage,
  trainFirstStages,
  type CompressOptions,
  type CompressReport,
  type FirstStagesResult,
  type StageReport,
} from './compress';
export { weightHistograms, type WeightHistogram } from './histogram';
export { restoreBatchNorm, type RestoreBatchNormOptions, type RestoredBatchNorm } from './restore_batch_norm';
export { restoreBatchNormFrom, prepareModel, CALIBRATION_IMAGES, type PreparedModel } from './prepare_model';
export { STAGES, stageOfLabel, type Stage, type StageId } from './stages';
export { METHOD_PLANS, METHODS, type Method, type MethodPlan } from './methods';
export { configurationDifferences, RESUME_STATE_VERSION, resumeState, resumeStateAt, type ResumeState, type RunConfiguration } from './resume_state';
export { trainingHead, type Loss, type TrainingHead } from './training_head';
export { distilledLoss, teacherOf, temperedSoftmax, type Distillation, type DistillationOptions, type Teacher } from './distillation';
export { smoothLabels } from './label_smoothing';
export { type RunReport, percent, runSeconds } from './report/run_report';
export { heldOutAccuracies } from './report/held_out_accuracies';
export { reportMarkdown } from './report/report_markdown';
export { deadLayers, deadLayersWarning } from './report/dead_layers';
export { runInfo, packageVersions, type RunInfo } from './report/run_info';
export { METRICS_FILE, METRICS_HEADER, metricsCsv, withEpoch, epochMetrics } from './report/metrics_csv';
export { TensorBoardLog } from './report/tensorboard_events';
export { readTensorBoardEvents, type TensorBoardEvent } from './report/read_tensorboard_events';
export { bestEpoch, patienceRunOut, KEEP_CHOICES, type Keep } from './best_epoch';
export { configFromJson, configJsonSchema, defaultsOf, longFlag, OptionError, parseValue, type ConfigOf, type OptionGroup, type OptionSpec, type OptionTable, type OptionType, type ValueSpec } from './options/option_table';
export { activationQuantizationOf, compressOptionsOf, DEFAULT_CONFIG, mergeConfig, RUN_OPTIONS, trainingConfiguration, validationSeedOf, type RunConfig, type RunContext, type RunOptionName } from './options/run_options';
export { channelValues, MEAN_STD_PRESETS, pixelScaling, type PixelOptions } from './options/mean_std';
