// What compress and the stage commands (train, prune, retrain) share: starting a run from its
// configuration, the pipeline options, and finishing it with exports and reports.
import { initEngine, type EngineInfo } from '@sparse-ternary/engine';
import { makeFolders, writeFileAtomic } from '@sparse-ternary/base';
import { splitValidation, type Dataset, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import { costSummary } from '@sparse-ternary/hw-cost';
import { EXPORT_FILES, saveOnnx } from '@sparse-ternary/onnx';
import {
  accuracy,
  compressOptionsOf,
  deadLayers,
  deadLayersWarning,
  heldOutAccuracies,
  LATEST,
  METRICS_FILE,
  metricsCsv,
  PREVIOUS,
  TensorBoardLog,
  percent,
  pixelScaling,
  reportMarkdown,
  prepareModel,
  runInfo,
  runSeconds,
  teacherOf,
  validationSeedOf,
  withEpoch,
  TrainingInterrupted,
  type CompressOptions,
  type CompressReport,
  type EpochProgress,
  type RunConfig,
  type RunReport,
  type Teacher,
} from '@sparse-ternary/retrain';
import { reportHtml } from '@sparse-ternary/retrain/report';
import { PACKED_FILE, PackError } from '@sparse-ternary/runtime';
import { pack } from '@sparse-ternary/runtime/pack';
import { CLI_VERSION } from '../version';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError } from '../errors';
import type { Reporter } from '../progress';
import { flagOf, negationOf, runConfigJson } from '../run_flags';
import { checkCompatible, fitHead, imageSource, loadData, loadModel } from '../sources';

export interface CommandContext {
  reporter: Reporter;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
  /** The command line, for the report. */
  commandLine: string;
  stderr: NodeJS.WritableStream;
}

export interface Run {
  config: RunConfig;
  engine: EngineInfo;
  /** The dataset, its training split without the validation images. */
  data: Dataset;
  /** The held-out training images (--validation), if any. */
  validation?: LabeledImages;
  model: tfl.LayersModel;
  /** How images become the model's input (the pixel scaling). */
  tensors: TensorOptions;
  /** With --distill: the model as loaded, the teacher of every training stage (released when the training ends: interruptible). */
  teacher?: Teacher;
  out: string;
  checkpointDir: string;
  started: Date;
}

export const runConfigFile = (out: string) => path.join(out, 'run.json');

/**
 * Starts the engine, loads the data and the model, and records the resolved configuration in
 * --out (a resumed run keeps the one it started with: its checkpoints are checked against it).
 */
export async function startRun(config: RunConfig, ctx: CommandContext, resume = false): Promise<Run> {
  const started = new Date();
  const out = path.resolve(config.out);
  if (EXPORT_FILES.some(({ file }) => path.join(out, file) === path.resolve(config.model))) {
    throw new UsageError(`${flagOf('out')} ${config.out} would overwrite the model being compressed, ${config.model}: choose another ${flagOf('out')}`);
  }
  const engine = await initEngine({ backend: config.backend, threads: config.threads });
  const loaded = loadModel(config);
  const { data, validation } = withValidation(loadData(config.data, imageSource(config, loaded.inputs[0].shape.slice(1))), config);
  const fitted = fitHead(loaded, data, config);
  checkCompatible(fitted, data, config.model, config.data);
  const tensors = { scale: pixelScaling(config, data.train.imageShape[2]) };
  const { model, restoredBatchNorm: restored, activations } = prepareModel(fitted, data.train, config, tensors);
  // The teacher is the model as prepared, before any stage's checkpoint is restored into it.
  const teacher = config.distill ? teacherOf(model) : undefined;
  const checkpointDir = path.join(out, 'checkpoints');
  makeFolders(checkpointDir);
  if (!resume || !existsSync(runConfigFile(out))) writeFileAtomic(runConfigFile(out), runConfigJson(config));
  if (restored.length) ctx.reporter.info(`BatchNorm restored after ${restored.length} convolutions (the model's export had folded it into them; ${negationOf('restoreBatchNorm')} keeps them as they were)`);
  if (activations.length) ctx.reporter.info(`${activations.length} activations quantized to ${config.actBits} bit${config.actBits > 1 ? 's' : ''}${config.actBits > 1 ? ` (${config.actRange} clips ${activations.map((a) => a.clip.toPrecision(3)).join(', ')}${config.actRange === 'learned' ? ', where training starts them' : ''})` : ''}`);
  ctx.reporter.info(`${config.method} ${config.model} on ${data.name} (${data.train.count} training, ${data.test.count} test images from ${data.source}); backend ${engine.backend}, ${engine.threads} threads`);
  return { config, engine, data, validation, model, tensors, teacher, out, checkpointDir, started };
}

/** Holds out config.validation training images, split with the run's validation seed so every stage command sees the same split. */
function withValidation(data: Dataset, config: RunConfig): { data: Dataset; validation?: LabeledImages } {
  if (!config.validation) return { data };
  if (config.validation >= data.train.count) throw new UsageError(`${flagOf('validation')} ${config.validation}: ${data.name} has only ${data.train.count} training images`);
  const { train, validation } = splitValidation(data.train, config.validation, validationSeedOf(config));
  return { data: { ...data, train }, validation };
}

/** Whether any stage of the run has a checkpoint to resume. */
const hasCheckpoints = (dir: string): boolean =>
  existsSync(dir) && readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((f) => [LATEST, PREVIOUS].includes(path.basename(f)));

/** The pipeline's options for a run, reporting progress to the command's reporter. */
export function pipelineOptions(run: Run, resume: boolean, ctx: CommandContext): CompressOptions {
  const { config } = run;
  const tensorboard = config.tensorboard ? new TensorBoardLog(path.join(run.out, TENSORBOARD_FOLDER), run.started) : undefined;
  if (resume && !hasCheckpoints(run.checkpointDir)) ctx.stderr.write(`warning: --resume: no checkpoint in ${run.checkpointDir}; starting from scratch\n`);
  return compressOptionsOf(config, {
    test: run.data.test,
    validation: run.validation,
    tensors: run.tensors,
    teacher: run.teacher,
    checkpointDir: run.checkpointDir,
    resume,
    signal: ctx.signal,
    onWarning: (message) => ctx.stderr.write(`warning: ${message}\n`),
    onStageStart: (stage, epochs) => ctx.reporter.stage(stage, epochs),
    onBatchEnd: (p) => ctx.reporter.batch(p),
    onEpochEnd: (p) => {
      recordEpoch(run, p);
      tensorboard?.epoch(p);
      ctx.reporter.epoch(p);
    },
  });
}

/** Where --tensorboard writes its event files, in the run's folder. */
const TENSORBOARD_FOLDER = 'tensorboard';

/** The epoch's row into the run's metrics.csv, as it ends (finishRun rewrites the file whole). */
function recordEpoch(run: Run, progress: EpochProgress): void {
  const file = path.join(run.out, METRICS_FILE);
  writeFileAtomic(file, withEpoch(existsSync(file) ? readFileSync(file, 'utf8') : undefined, progress));
}

/** Test accuracy of the model as loaded, before any stage: the baseline the report compares with. */
export const baselineAccuracy = (run: Run, options: CompressOptions): number => accuracy(run.model, run.data.test, options.tensors);

/** Runs the training stages of a run; an interruption prints how to resume and gives exit code 130. */
export async function interruptible<T>(run: Run, work: () => Promise<T>, resumeCommand: string, ctx: CommandContext): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof TrainingInterrupted)) throw error;
    ctx.stderr.write(`interrupted: ${error.message}\nresume with: ${resumeCommand}\n`);
    ctx.reporter.event('interrupted', { stage: error.stage, epoch: error.epoch, batch: error.batch, resume: resumeCommand });
    return undefined;
  } finally {
    run.teacher?.dispose();
    ctx.reporter.close();
  }
}

/** model.stpack, the runtime's packed model: its file name, or none (with a warning) for a model the packer does not take. */
function writePacked(run: Run, ctx: CommandContext): string[] {
  try {
    writeFileAtomic(path.join(run.out, PACKED_FILE), pack(run.model));
    return [PACKED_FILE];
  } catch (error) {
    if (!(error instanceof PackError)) throw error;
    ctx.stderr.write(`warning: ${PACKED_FILE} not written: ${error.message} (${negationOf('pack')} skips it)\n`);
    return [];
  }
}

/** Exports the deployed model in every format and writes report.json, report.md and report.html. */
export function finishRun(run: Run, report: CompressReport, accuracyBefore: number, ctx: CommandContext): number {
  const hardwareCost = costSummary(report.hardware);
  for (const { file, format } of EXPORT_FILES) saveOnnx(run.model, path.join(run.out, file), { format, method: report.method, layers: report.layers, hardwareCost });
  const packed = run.config.pack ? writePacked(run, ctx) : [];
  const runReport: RunReport = {
    command: ctx.commandLine,
    config: { ...run.config },
    info: runInfo(run.engine, { '@sparse-ternary/cli': CLI_VERSION }),
    started: run.started.toISOString(),
    ...runSeconds(report, (Date.now() - run.started.getTime()) / 1000),
    dataset: { name: run.data.name, source: run.data.source, train: run.data.train.count, test: run.data.test.count },
    accuracyBefore,
    ...heldOutAccuracies(run.model, { validation: run.validation, test: run.data.test }, run.tensors, run.config.tta),
    compress: report,
    outputs: [...EXPORT_FILES.map(({ file }) => file), ...packed].map((file) => ({ file, bytes: statSync(path.join(run.out, file)).size })),
  };
  writeFileAtomic(path.join(run.out, 'report.json'), JSON.stringify(runReport, null, 1));
  writeFileAtomic(path.join(run.out, 'report.md'), reportMarkdown(runReport));
  writeFileAtomic(path.join(run.out, 'report.html'), reportHtml(runReport));
  writeFileAtomic(path.join(run.out, METRICS_FILE), metricsCsv(report.stages));
  const files = [...EXPORT_FILES.map((e) => e.file), ...packed, 'report.json', 'report.md', 'report.html', METRICS_FILE];
  const dead = deadLayers(report.layers);
  if (dead.length) ctx.stderr.write(`warning: ${deadLayersWarning(dead)}\n`);
  ctx.reporter.info(
    `test accuracy ${percent(report.accuracy)} at ${percent(report.sparsity)} sparsity (before ${percent(accuracyBefore)}); ` +
      `kernels ${report.hardware.ratios.binary.toFixed(1)}x smaller than binary, ${report.hardware.ratios.ternary.toFixed(1)}x smaller than dense ternary`,
  );
  ctx.reporter.info(`wrote ${files.map((f) => path.join(run.config.out, f)).join(', ')} and ${path.join(run.config.out, 'checkpoints')}`);
  ctx.reporter.event('done', { accuracy: report.accuracy, sparsity: report.sparsity, accuracyBefore, out: run.out, files: [...files, 'checkpoints'] });
  return EXIT.ok;
}
