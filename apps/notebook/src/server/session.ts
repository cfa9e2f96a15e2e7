// One notebook's state on the server: the run's configuration the cells set (the same options
// as the CLI's, with its defaults), the data and model they built, and the training job running
// (at most one). Running a cell invalidates the cells after it. Progress goes to the subscribers
// (the page's event stream), in the shapes of protocol/messages.ts.
import { DatasetError, gather, loadDatasetFrom, parseImageSize, splitValidation, toTensors, type Dataset, type LabeledImages, type TensorOptions } from '@sparse-ternary/datasets';
import { costReport, fitText, type CostReport } from '@sparse-ternary/hw-cost';
import { TOPOLOGIES, buildModel, headFor, outputClasses, type TopologyName } from '@sparse-ternary/models';
import { EXPORT_FILES, exportOnnx, importOnnx } from '@sparse-ternary/onnx';
import { makeFolders, writeFileAtomic } from '@sparse-ternary/base';
import { expandPlan, parsePlan, PlanError, readRunState, runDir, runSweep, SWEEP_OWNED_OPTIONS, type ExecuteRun, type SweepEvent, type SweepPlan } from '@sparse-ternary/sweep';
import { PACKED_FILE } from '@sparse-ternary/runtime';
import { pack } from '@sparse-ternary/runtime/pack';
import { countNonZeros, disposeMasks, quantizedLayers, type Masks } from '@sparse-ternary/quantize-prune';
import {
  accuracy,
  compress,
  compressOptionsOf,
  deploy,
  heldOutAccuracies,
  mergeConfig,
  OptionError,
  parseValue,
  pixelScaling,
  pruneStage,
  prepareModel,
  retrainStage,
  RUN_OPTIONS,
  runInfo,
  stageOfLabel,
  STAGES,
  teacherOf,
  trainFirstStages,
  validationSeedOf,
  weightHistograms,
  type CompressOptions,
  type CompressReport,
  type FirstStagesResult,
  type RunConfig,
  type RunOptionName,
  type RunReport,
  type StageReport,
  type Teacher,
} from '@sparse-ternary/retrain';
import { reportHtml } from '@sparse-ternary/retrain/report';
import type { EngineInfo } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CELLS, type CellName } from '../protocol/cells';
import type { CellResults, Events, EventName } from '../protocol/messages';
import { CellError } from './cell_error';
import { cellFields, cellParams, sweepOptions } from './cell_fields';
import { allowedDataFolders, mayRead } from './data_folders';


export type Listener = <E extends EventName>(event: E, data: Events[E]) => void;

/** The cell a stage's progress shows in: stage 0 trains in the stage-1 cell. */
const cellOfStage = (label: string): CellName => {
  const id = stageOfLabel(label)?.id;
  return id === STAGES.stage3.id ? STAGES.stage3.id : STAGES.stage1.id;
};

/** Runs a step whose bad input (an option, a dataset) is the cell's 400. */
function asCellError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof OptionError || error instanceof DatasetError || error instanceof PlanError) throw new CellError(error.message);
    throw error;
  }
}

const SAMPLES = 12;

/**
 * How the sweep cell runs its compressions: the CLI's `sparse-ternary notebook` starts each as a
 * `sparse-ternary compress` process, `workers` at a time; without it, they run in this process one
 * after the other.
 */
export interface SweepExecution {
  execute: ExecuteRun;
  workers: number;
}

type SweepPoint = Events['sweep-point'];

/** A sweep point from its run's report.json (the CLI's, or the one compressInProcess writes). */
function sweepPoint(out: string, run: { name: string; config: RunConfig }, option: RunOptionName): SweepPoint {
  const report = JSON.parse(readFileSync(path.join(runDir(out, run), 'report.json'), 'utf8')) as RunReport;
  return { value: run.config[option] as number, accuracy: report.compress.accuracy, sparsity: report.compress.sparsity, kiB: report.compress.hardware.memory.deployed / 8 / 1024 };
}

export class NotebookSession {
  /** The run's options as the cells set them; the CLI's defaults until then. */
  private config: RunConfig = mergeConfig();
  readonly params: Partial<Record<CellName, Partial<RunConfig> | Record<string, unknown>>> = {};
  readonly results: Partial<CellResults> = {};
  private readonly listeners = new Set<Listener>();
  private data?: Dataset;
  private validation?: LabeledImages;
  private tensors: TensorOptions = { scale: 'unit' };
  private model?: tfl.LayersModel;
  private modelName = '';
  private stageOne?: FirstStagesResult;
  private masks?: Masks;
  /** Each layer's pruning threshold: the Delta the stage-3 report gives it. */
  private pruneThresholds?: number[];
  private stageThree?: StageReport;
  private report?: CompressReport;
  private accuracyBefore = 0;
  /** The model's weights as loaded (cell 2): where every sweep point starts. */
  private loadedWeights: tf.Tensor[] = [];
  /** With distill: the model as loaded, the teacher of the training cells (made when first asked for). */
  private teacher?: Teacher;
  private job?: AbortController;
  private readonly checkpointDir = mkdtempSync(path.join(os.tmpdir(), 'st-notebook-'));

  private readonly dataFolders: string[];
  /** Other processes for the sweep cell's runs (the CLI's); none: in this process. */
  private readonly sweepExecution?: SweepExecution;

  constructor(
    readonly engine: EngineInfo,
    options: { dataFolders?: string[]; sweep?: SweepExecution } = {},
  ) {
    this.dataFolders = allowedDataFolders(options.dataFolders);
    this.sweepExecution = options.sweep;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventName>(event: E, data: Events[E]): void {
    for (const listener of this.listeners) listener(event, data);
  }

  get running(): boolean {
    return this.job !== undefined;
  }

  /** The cells' fields, from the run options' declaration, with this session's values. */
  fields() {
    const fields = cellFields();
    for (const list of Object.values(fields)) {
      for (const field of list) {
        const value = this.config[field.name as RunOptionName];
        if (field.name in this.config) field.value = value ?? '';
      }
    }
    return fields;
  }

  /** Forgets the cells after `cell` (their results no longer follow from what is above them). */
  private invalidateAfter(cell: CellName): void {
    for (const later of CELLS.slice(CELLS.indexOf(cell) + 1)) {
      delete this.results[later];
    }
    const index = CELLS.indexOf(cell);
    if (index < CELLS.indexOf(STAGES.stage1.id)) this.stageOne = undefined;
    if (index < CELLS.indexOf(STAGES.prune.id) && this.masks) {
      disposeMasks(this.masks);
      this.masks = undefined;
      this.pruneThresholds = undefined;
    }
    if (index < CELLS.indexOf(STAGES.stage3.id)) {
      this.stageThree = undefined;
      this.report = undefined;
    }
    this.emit('invalidated', { after: cell });
  }

  private record<C extends CellName>(cell: C, params: Partial<RunConfig> | Record<string, unknown>, result: CellResults[C]): CellResults[C] {
    this.params[cell] = params;
    this.results[cell] = result;
    return result;
  }

  private need<T>(value: T | undefined, cell: CellName): T {
    if (value === undefined) throw new CellError(`run the ${cell} cell first`);
    return value;
  }

  private idle(): void {
    if (this.job) throw new CellError('a training cell is running: stop it or wait', 409);
  }

  /** The configuration with a cell's parameters (not kept until the cell has run). */
  private withParams(cell: CellName, body: Record<string, unknown>): { params: Partial<RunConfig>; config: RunConfig } {
    const params = cellParams(cell, body);
    return { params, config: { ...this.config, ...params } };
  }

  runData(body: Record<string, unknown>): CellResults['data'] {
    this.idle();
    const { params, config } = this.withParams('data', body);
    if (!mayRead(config.data, this.dataFolders)) {
      throw new CellError(`'${config.data}' is neither a dataset name nor inside the folders the notebook may read (${this.dataFolders.join(', ')}): start it with --data-dir <folder>`, 403);
    }
    const size = config.inputSize ? parseImageSize(config.inputSize) : undefined;
    const loaded = asCellError(() => loadDatasetFrom(config.data, { size }));
    if (config.validation >= loaded.train.count) throw new CellError(`validation = ${config.validation}: ${loaded.name} has only ${loaded.train.count} training images`);
    const split = config.validation ? splitValidation(loaded.train, config.validation, validationSeedOf(config)) : undefined;
    const data = split ? { ...loaded, train: split.train } : loaded;
    this.tensors = { scale: asCellError(() => pixelScaling(config, data.train.imageShape[2])) };
    this.config = config;
    this.data = data;
    this.validation = split?.validation;
    this.invalidateAfter('data');
    const pixels = data.train.imageShape.reduce((a, b) => a * b, 1);
    const counts = new Array<number>(data.classes.length).fill(0);
    for (const label of data.train.labels) counts[label]++;
    return this.record('data', params, {
      name: data.name,
      source: data.source,
      train: data.train.count,
      test: data.test.count,
      validation: this.validation?.count ?? 0,
      imageShape: data.train.imageShape,
      classes: data.classes,
      counts,
      samples: Array.from({ length: SAMPLES }, (_, i) => Array.from(data.train.images.subarray(i * pixels, (i + 1) * pixels))),
      sampleLabels: Array.from(data.train.labels.subarray(0, SAMPLES)),
    });
  }

  private modelResult(accuracyBefore: number, restoredBatchNorm: number): CellResults['model'] {
    const model = this.model!;
    return {
      name: this.modelName,
      input: model.inputs[0].shape.slice(1),
      parameters: model.countParams(),
      layers: model.layers.map((l) => ({ name: l.name, type: l.getClassName(), output: JSON.stringify(l.outputShape), parameters: l.countParams() })),
      accuracyBefore,
      restoredBatchNorm,
    };
  }

  /** A model for the data: a new head if asked for, BatchNorm given back unless asked not to (as the CLI does). */
  private useModel(loaded: tfl.LayersModel, name: string, config: RunConfig, params: Partial<RunConfig> | Record<string, unknown>): CellResults['model'] {
    const data = this.need(this.data, 'data');
    const expected = loaded.inputs[0].shape.slice(1).join('x');
    const classes = outputClasses(loaded);
    const fail = (message: string): never => {
      loaded.dispose();
      throw new CellError(message);
    };
    if (expected !== data.train.imageShape.join('x')) fail(`model ${name} takes ${expected} images; the data has ${data.train.imageShape.join('x')}`);
    if (classes !== data.classes.length && !config.replaceHead) fail(`model ${name} predicts ${classes} classes; the data has ${data.classes.length}: tick "replace head" to train a new final layer for them`);
    const fitted = headFor(loaded, data.classes.length, { seed: config.seed });
    const prepared = prepareModel(fitted, data.train, config, this.tensors);
    this.model?.dispose();
    tf.dispose(this.loadedWeights);
    this.teacher?.dispose();
    this.teacher = undefined;
    this.config = config;
    this.model = prepared.model;
    this.loadedWeights = prepared.model.getWeights().map((w) => w.clone());
    this.modelName = name;
    this.invalidateAfter('model');
    this.accuracyBefore = accuracy(prepared.model, data.test, this.tensors);
    return this.record('model', params, this.modelResult(this.accuracyBefore, prepared.restoredBatchNorm.length));
  }

  runModel(body: Record<string, unknown>): CellResults['model'] {
    this.idle();
    const { params, config } = this.withParams('model', body);
    if (!(config.model in TOPOLOGIES)) throw new CellError(`unknown topology '${config.model}': ${Object.keys(TOPOLOGIES).join(', ')} (or upload an .onnx file)`);
    this.need(this.data, 'data');
    return this.useModel(buildModel(config.model as TopologyName, { widthMultiplier: config.width, seed: config.seed }), config.model, config, params);
  }

  /** An uploaded .onnx file; a malformed one is the import error, and the session keeps its model. */
  runUpload(bytes: Uint8Array, fileName: string): CellResults['model'] {
    this.idle();
    this.need(this.data, 'data');
    // Whatever fails, the import or a first run of the model in onnxruntime, is this file's error.
    try {
      return this.useModel(importOnnx(bytes).model, fileName, this.config, { upload: fileName });
    } catch (error) {
      if (error instanceof CellError) throw error;
      throw new CellError(`${fileName}: ${(error as Error).message.replace(/^<bytes>: /, '')}`);
    }
  }

  /** compress()'s options for the session's configuration, its progress sent as events naming their cell. */
  private options(config: RunConfig, signal?: AbortSignal, checkpointDir: string | undefined = this.checkpointDir): CompressOptions {
    const options: CompressOptions = compressOptionsOf(config, {
      test: this.data!.test,
      validation: this.validation,
      tensors: this.tensors,
      teacher: config.distill ? this.teacherOfLoaded() : undefined,
      checkpointDir,
      signal,
      onBatchEnd: (p) => this.emit('batch', { ...p, cell: cellOfStage(p.stage) }),
      onEpochEnd: (p) => this.emit('epoch', { ...p, cell: cellOfStage(p.stage), layerSparsity: this.layerSparsity(options), histograms: weightHistograms(this.model!, 33) }),
    });
    return options;
  }

  /** The teacher: the model with its weights as loaded, whatever the cells have trained since. */
  private teacherOfLoaded(): Teacher {
    if (this.teacher) return this.teacher;
    const current = this.model!.getWeights().map((w) => w.clone());
    try {
      this.model!.setWeights(this.loadedWeights);
      this.teacher = teacherOf(this.model!);
    } finally {
      this.model!.setWeights(current);
      tf.dispose(current);
    }
    return this.teacher;
  }

  /** Per layer, the fraction of weights the run's quantizer sends to zero, masked ones included. */
  private layerSparsity(options: CompressOptions): { name: string; sparsity: number }[] {
    return quantizedLayers(this.model!).map(({ name, kernel, channels }) => {
      const { q } = options.quantizer!.quantize(kernel.read(), this.masks?.get(name), channels);
      const { nonZeros, size } = countNonZeros(q);
      q.dispose();
      return { name, sparsity: 1 - nonZeros / size };
    });
  }

  /** Runs a training cell in the background; its end (or error, or stop) is an event. */
  private background<C extends CellName>(cell: C, params: Record<string, unknown>, work: (signal: AbortSignal) => Promise<CellResults[C]>, cleanup?: () => void): { started: true } {
    this.idle();
    this.need(this.model, 'model');
    this.invalidateAfter(cell);
    this.params[cell] = params;
    const job = new AbortController();
    this.job = job;
    work(job.signal)
      .then((result) => {
        this.results[cell] = result;
        this.emit('cell-done', { cell, result });
      })
      .catch((error: Error) => this.emit('cell-error', { cell, error: job.signal.aborted ? `stopped: ${error.message}` : error.message }))
      .finally(() => {
        cleanup?.();
        this.job = undefined;
      });
    return { started: true };
  }

  runStage1(body: Record<string, unknown>) {
    this.idle();
    const { params, config } = this.withParams(STAGES.stage1.id, body);
    this.config = config;
    return this.background(STAGES.stage1.id, params, async (signal) => {
      this.stageOne = await trainFirstStages(this.model!, this.data!.train, this.options(config, signal));
      return { history: this.stageOne.stages.flatMap((s) => s.history), histograms: this.stageOne.histograms, final: this.stageOne.stages.at(-1)!.history.at(-1) };
    });
  }

  runPrune(body: Record<string, unknown> = {}): CellResults['prune'] {
    this.idle();
    const stageOne = this.need(this.stageOne, STAGES.stage1.id);
    const { params, config } = this.withParams(STAGES.prune.id, body);
    this.config = config;
    this.invalidateAfter(STAGES.prune.id);
    // Quantization pruning: the weights that quantize to zero are pinned there (in the model too).
    const pruned = pruneStage(this.model!, this.options(config))!;
    this.masks = pruned.masks;
    this.pruneThresholds = pruned.layers.map((l) => l.delta);
    // Same bins as stage 1's histograms: pruning keeps the largest weights, so the range is unchanged.
    return this.record(STAGES.prune.id, params, {
      layers: pruned.layers.map(({ name, sparsity, size }) => ({ name, sparsity, size })),
      thresholds: pruned.layers.map(({ name, delta }) => ({ name, delta })),
      before: stageOne.histograms.afterStage1,
      after: weightHistograms(this.model!),
    });
  }

  runStage3(body: Record<string, unknown>) {
    this.idle();
    this.need(this.masks, STAGES.prune.id);
    const { params, config } = this.withParams(STAGES.stage3.id, body);
    this.config = config;
    return this.background(STAGES.stage3.id, params, async (signal) => {
      const options = this.options(config, signal);
      this.stageThree = await retrainStage(this.model!, this.data!.train, this.masks!, options, this.stageOne!.layerCosts);
      this.report = deploy(this.model!, this.masks, options, this.stageOne!, this.stageThree, this.pruneThresholds);
      return {
        history: this.stageThree.history,
        accuracy: this.report.accuracy,
        floatAccuracy: this.stageThree.history.at(-1)?.floatAccuracy,
        ...(this.validation ? { validationAccuracy: accuracy(this.model!, this.validation, this.tensors) } : {}),
        sparsity: this.report.sparsity,
        layers: this.report.layers,
      };
    });
  }

  runCost(): CellResults['cost'] {
    this.idle();
    const model = this.need(this.model, 'model');
    const report: CostReport = this.report?.hardware ?? costReport(model);
    return this.record('cost', {}, {
      layers: report.layers.map(({ name, kind, rows, cols, sparsity, memory }) => ({ name, kind, rows, cols, sparsity, memory: { sparseTernary: { bits: memory.sparseTernary.bits, encoding: memory.sparseTernary.encoding } } })),
      memory: report.memory,
      ratios: report.ratios,
      fpga: Object.fromEntries(Object.entries(report.fpga).map(([k, e]) => [k, { framesPerSecond: e.framesPerSecond, luts: e.luts, bram36: e.bram36, fits: e.fits, fit: fitText(e) }])),
    });
  }

  /** The run's report as the CLI writes it (report.html, a sweep point's report.json). */
  private runReport(config: RunConfig, report: CompressReport, seconds: number): RunReport {
    const data = this.data!;
    return {
      command: 'sparse-ternary notebook',
      config: { ...config, model: this.modelName },
      info: runInfo(this.engine),
      started: new Date(Date.now() - seconds * 1000).toISOString(),
      seconds,
      dataset: { name: data.name, source: data.source, train: data.train.count, test: data.test.count },
      accuracyBefore: this.accuracyBefore,
      ...heldOutAccuracies(this.model!, { validation: this.validation, test: data.test }, this.tensors, config.tta),
      compress: report,
      outputs: [],
    };
  }

  /** An export of the deployed model, or the same report.html the CLI writes. */
  exportFile(file: string): { bytes: Uint8Array; type: string } {
    this.idle();
    const report = this.need(this.report, STAGES.stage3.id);
    if (file === PACKED_FILE) return { bytes: pack(this.model!), type: 'application/octet-stream' };
    const onnx = EXPORT_FILES.find((e) => e.file === file);
    if (onnx) return { bytes: exportOnnx(this.model!, { format: onnx.format, method: report.method, layers: report.layers }).bytes, type: 'application/octet-stream' };
    if (file === 'report.html') return { bytes: new TextEncoder().encode(reportHtml(this.runReport(this.config, report, 0))), type: 'text/html; charset=utf-8' };
    throw new CellError(`no export named ${file}`, 404);
  }

  /** The export cell: the files, and the sample images as the model takes them with TF.js's classes for them (the page checks its own runtime against them). */
  runExport(): CellResults['export'] {
    this.idle();
    const report = this.need(this.report, STAGES.stage3.id);
    const samples = gather(this.data!.train, Array.from({ length: SAMPLES }, (_, i) => i));
    const { input, classes } = tf.tidy(() => {
      const { x } = toTensors(samples, this.tensors);
      return { input: Array.from(x.dataSync()), classes: Array.from(tf.argMax(this.model!.predict(x) as tf.Tensor, 1).dataSync()) };
    });
    return this.record('export', {}, { files: [...EXPORT_FILES.map((e) => e.file), PACKED_FILE, 'report.html'], sparsity: report.sparsity, sampleInput: input, sampleClasses: classes });
  }

  /**
   * One option at several values, each a whole compression from the model as loaded in cell 2,
   * run by the sweep engine (@sparse-ternary/sweep): accuracy against memory, points as they finish.
   */
  runSweep(body: Record<string, unknown>) {
    this.idle();
    const option = String(body.option) as RunOptionName;
    if (!sweepOptions().includes(option)) throw new CellError(`option = ${JSON.stringify(body.option)}: a sweep varies one of ${sweepOptions().join(', ')}`);
    const given = typeof body.values === 'string' ? body.values.split(',') : body.values;
    if (!Array.isArray(given) || !given.length || given.length > 12) throw new CellError('values: give 1 to 12 values');
    const values = given.map((v) => asCellError(() => parseValue(RUN_OPTIONS[option], typeof v === 'string' ? v.trim() : v)) as number);
    const model = this.need(this.model, 'model');
    const plan = this.sweepPlan(option, values);
    const runs = expandPlan(plan);
    // Each sweep starts over: the model or data behind the same options may have changed since the last.
    const out = path.join(this.checkpointDir, 'sweep');
    rmSync(out, { recursive: true, force: true });
    // The sweep leaves the model as it found it (a compressed model stays exportable).
    const current = model.getWeights().map((w) => w.clone());
    const { execute, workers } = this.sweepExecution ?? { execute: this.compressInProcess, workers: 1 };
    return this.background('sweep', { option, values: values.join(', ') }, async (signal) => {
      const points: SweepPoint[] = [];
      const onEvent = (event: SweepEvent) => {
        if (event.kind !== 'done') return;
        const point = sweepPoint(out, runs.find((r) => r.name === event.run)!, option);
        points.push(point);
        this.emit('sweep-point', point);
      };
      const threads = Math.max(1, Math.floor(os.availableParallelism() / workers));
      const outcome = await runSweep(plan, runs, { out, workers, threads, execute, signal, onEvent });
      if (signal.aborted) throw new Error(`${points.length} of ${runs.length} points finished`);
      if (outcome.failed.length) throw new Error(outcome.failed.map((name) => `${name}: ${readRunState(out, runs.find((r) => r.name === name)!).error}`).join('; '));
      return { option, points: points.sort((a, b) => a.value - b.value) };
    }, () => {
      model.setWeights(current);
      tf.dispose(current);
    });
  }

  /** The sweep cell as a plan: the session's options with one varied, at its seed; a model that is no built-in topology goes to other processes as a float ONNX file. */
  private sweepPlan(option: RunOptionName, values: number[]): SweepPlan {
    const base: Partial<RunConfig> = Object.fromEntries(Object.entries(this.config).filter(([key]) => !SWEEP_OWNED_OPTIONS.includes(key)));
    if (this.modelName !== this.config.model && this.sweepExecution) {
      const file = path.join(this.checkpointDir, 'loaded.onnx');
      const current = this.model!.getWeights().map((w) => w.clone());
      this.model!.setWeights(this.loadedWeights);
      writeFileAtomic(file, exportOnnx(this.model!).bytes);
      this.model!.setWeights(current);
      tf.dispose(current);
      // Its head and BatchNorm are as cell 2 made them.
      Object.assign(base, { model: file, replaceHead: false, restoreBatchNorm: false });
    }
    return asCellError(() => parsePlan(JSON.stringify({ base, grid: { [option]: values }, seeds: [this.config.seed], retries: 0 }), 'the sweep cell'));
  }

  /** A sweep point in this process: the model from its loaded weights, compressed with the run's options; report.json as the CLI writes it. */
  private readonly compressInProcess: ExecuteRun = async (run, dir, { signal }) => {
    const started = Date.now();
    try {
      this.model!.setWeights(this.loadedWeights);
      const { masks, report } = await compress(this.model!, this.data!.train, this.options(run.config, signal, undefined));
      if (masks) disposeMasks(masks);
      makeFolders(dir);
      writeFileAtomic(path.join(dir, 'report.json'), JSON.stringify(this.runReport(run.config, report, (Date.now() - started) / 1000), null, 1));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  stop(): boolean {
    if (!this.job) return false;
    this.job.abort();
    return true;
  }

  /** The page's state: every cell's parameters and results (the weights stay on the server). */
  state() {
    return { version: 1 as const, params: this.params, results: this.results };
  }

  dispose(): void {
    this.job?.abort();
    this.teacher?.dispose();
    this.model?.dispose();
    tf.dispose(this.loadedWeights);
    if (this.masks) disposeMasks(this.masks);
    rmSync(this.checkpointDir, { recursive: true, force: true });
  }
}
