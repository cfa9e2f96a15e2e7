// One notebook's state on the server: the cells' parameters and results, the data and model
// they built, and the training job running (at most one). Running a cell invalidates the cells
// after it. Progress goes to the subscribers (the page's event stream).
import { DatasetError, loadDatasetFrom, parseImageSize, type Dataset } from '@sparse-ternary/datasets';
import { costReport, costSummary, type CostReport } from '@sparse-ternary/hw-cost';
import { TOPOLOGIES, buildModel, type TopologyName } from '@sparse-ternary/models';
import { exportOnnx, importOnnx, type WeightFormat } from '@sparse-ternary/onnx';
import { pack } from '@sparse-ternary/runtime';
import { countNonZeros, disposeMasks, quantizationPrune, quantizedLayers, twnQuantizer, type Masks } from '@sparse-ternary/quantize-prune';
import { qtrCost } from '@sparse-ternary/regularizers';
import {
  accuracy,
  deploy,
  pruneStage,
  reportHtml,
  restoreBatchNormFrom,
  retrainStage,
  runInfo,
  stageOfLabel,
  STAGES,
  trainFirstStages,
  weightHistograms,
  type CompressOptions,
  type CompressReport,
  type FirstStagesResult,
  type StageReport,
} from '@sparse-ternary/retrain';
import type { EngineInfo } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CELLS, type CellName } from './cells';
import { allowedDataFolders, mayRead } from './data_folders';

/** A request the notebook cannot honour (bad parameters, a malformed upload, a busy server): HTTP 400/409. */
export class CellError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface TrainingParams {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** stage 1: TWN threshold factor and qtr-cost strength. */
  t: number;
  qtrLambda: number;
}

export type Listener = (event: string, data: unknown) => void;

/** A folder of images' size: '', 'n' or 'h,w' (a string from the page) or [h, w]. */
function imageSize(value: unknown): [number, number] | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return parseImageSize(Array.isArray(value) ? value.join(',') : String(value));
  } catch (error) {
    throw new CellError(`size: ${(error as Error).message}`);
  }
}

const number = (value: unknown, what: string, check: (v: number) => boolean): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new CellError(`${what} = ${JSON.stringify(value)} is not valid`);
  return n;
};

export function trainingParams(body: Record<string, unknown>): TrainingParams {
  return {
    epochs: number(body.epochs ?? 1, 'epochs', (v) => Number.isInteger(v) && v >= 0 && v <= 1000),
    batchSize: number(body.batchSize ?? 100, 'batchSize', (v) => Number.isInteger(v) && v > 0),
    learningRate: number(body.learningRate ?? 3e-3, 'learningRate', (v) => v > 0),
    t: number(body.t ?? 1.7, 't', (v) => v > 0),
    qtrLambda: number(body.qtrLambda ?? 2e-5, 'qtrLambda', (v) => v >= 0),
  };
}

export class NotebookSession {
  readonly params: Partial<Record<CellName, unknown>> = {};
  readonly results: Partial<Record<CellName, unknown>> = {};
  private readonly listeners = new Set<Listener>();
  private data?: Dataset;
  private model?: tfl.LayersModel;
  private modelName = '';
  private stageOne?: FirstStagesResult;
  private masks?: Masks;
  private stageThree?: StageReport;
  private report?: CompressReport;
  private accuracyBefore = 0;
  /** The model's weights as loaded (cell 2): where every sweep point starts. */
  private loadedWeights: tf.Tensor[] = [];
  private job?: AbortController;
  private readonly checkpointDir = mkdtempSync(path.join(os.tmpdir(), 'st-notebook-'));

  private readonly dataFolders: string[];

  constructor(
    readonly engine: EngineInfo,
    options: { dataFolders?: string[] } = {},
  ) {
    this.dataFolders = allowedDataFolders(options.dataFolders);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: string, data: unknown): void {
    for (const listener of this.listeners) listener(event, data);
  }

  get running(): boolean {
    return this.job !== undefined;
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
    }
    if (index < CELLS.indexOf(STAGES.stage3.id)) {
      this.stageThree = undefined;
      this.report = undefined;
    }
    this.emit('invalidated', { after: cell });
  }

  private record(cell: CellName, params: unknown, result: unknown): unknown {
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

  runData(body: Record<string, unknown>): unknown {
    this.idle();
    const name = String(body.dataset ?? 'mnist-10k');
    const size = imageSize(body.size);
    if (!mayRead(name, this.dataFolders)) {
      throw new CellError(`'${name}' is neither a dataset name nor inside the folders the notebook may read (${this.dataFolders.join(', ')}): start it with --data-dir <folder>`, 403);
    }
    let data: Dataset;
    try {
      data = loadDatasetFrom(name, { size });
    } catch (error) {
      if (error instanceof DatasetError) throw new CellError(error.message);
      throw error;
    }
    this.data = data;
    this.invalidateAfter('data');
    const pixels = data.train.imageShape.reduce((a, b) => a * b, 1);
    const counts = new Array<number>(data.classes.length).fill(0);
    for (const label of data.train.labels) counts[label]++;
    const samples = Array.from({ length: 12 }, (_, i) => Array.from(data.train.images.subarray(i * pixels, (i + 1) * pixels)));
    return this.record('data', { dataset: name, ...(size ? { size } : {}) }, {
      name: data.name,
      source: data.source,
      train: data.train.count,
      test: data.test.count,
      imageShape: data.train.imageShape,
      classes: data.classes,
      counts,
      samples,
      sampleLabels: Array.from(data.train.labels.subarray(0, 12)),
    });
  }

  private modelResult(): unknown {
    const model = this.model!;
    return {
      name: this.modelName,
      input: model.inputs[0].shape.slice(1),
      parameters: model.countParams(),
      layers: model.layers.map((l) => ({ name: l.name, type: l.getClassName(), output: JSON.stringify(l.outputShape), parameters: l.countParams() })),
    };
  }

  private useModel(model: tfl.LayersModel, name: string, params: unknown): unknown {
    const data = this.need(this.data, 'data');
    const expected = model.inputs[0].shape.slice(1).join('x');
    if (expected !== data.train.imageShape.join('x')) {
      model.dispose();
      throw new CellError(`model ${name} takes ${expected} images; the data has ${data.train.imageShape.join('x')}`);
    }
    // An imported model whose export folded BatchNorm into its convolutions gets it back, as the CLI does.
    const restored = restoreBatchNormFrom(model, data.train, { tensors: { scale: 'unit' }, seed: 1 });
    this.model?.dispose();
    tf.dispose(this.loadedWeights);
    this.model = restored.model;
    this.loadedWeights = restored.model.getWeights().map((w) => w.clone());
    this.modelName = name;
    this.invalidateAfter('model');
    this.accuracyBefore = accuracy(restored.model, data.test, { scale: 'unit' });
    return this.record('model', params, { ...(this.modelResult() as object), accuracyBefore: this.accuracyBefore, restoredBatchNorm: restored.layers.length });
  }

  runModel(body: Record<string, unknown>): unknown {
    this.idle();
    const name = String(body.topology ?? 'sfc');
    if (!(name in TOPOLOGIES)) throw new CellError(`unknown topology '${name}': ${Object.keys(TOPOLOGIES).join(', ')}`);
    const width = number(body.width ?? 1, 'width', (v) => v > 0 && v <= 4);
    const seed = number(body.seed ?? 1, 'seed', Number.isInteger);
    this.need(this.data, 'data');
    return this.useModel(buildModel(name as TopologyName, { widthMultiplier: width, seed }), name, { topology: name, width, seed });
  }

  /** An uploaded .onnx file; a malformed one is the import error, and the session keeps its model. */
  runUpload(bytes: Uint8Array, fileName: string): unknown {
    this.idle();
    this.need(this.data, 'data');
    // Whatever fails, the import or a first run of the model in onnxruntime, is this file's error.
    try {
      return this.useModel(importOnnx(bytes).model, fileName, { upload: fileName });
    } catch (error) {
      if (error instanceof CellError) throw error;
      throw new CellError(`${fileName}: ${(error as Error).message.replace(/^<bytes>: /, '')}`);
    }
  }

  private options(params: TrainingParams, signal: AbortSignal, stage: string): CompressOptions {
    const data = this.data!;
    return {
      method: 'sparse-ternary',
      epochs: { stage1: stage === STAGES.stage1.id ? params.epochs : 0, stage3: stage === STAGES.stage3.id ? params.epochs : 0 },
      batchSize: params.batchSize,
      learningRate: params.learningRate,
      seed: 1,
      tensors: { scale: 'unit' },
      quantizer: twnQuantizer(params.t),
      regularizers: [qtrCost(params.qtrLambda)],
      test: data.test,
      checkpointDir: this.checkpointDir,
      signal,
      // Progress names its stage's cell, so that the page needs no stage names of its own.
      onBatchEnd: (p) => this.emit('batch', { ...p, cell: stageOfLabel(p.stage)?.id }),
      onEpochEnd: (p) => this.emit('epoch', { ...p, cell: stageOfLabel(p.stage)?.id, layerSparsity: this.layerSparsity(params.t), histograms: weightHistograms(this.model!, 33) }),
    };
  }

  /** Per layer, the fraction of weights the TWN quantizer (threshold t) sends to zero, masked ones included. */
  private layerSparsity(t: number): { name: string; sparsity: number }[] {
    const quantizer = twnQuantizer(t);
    return quantizedLayers(this.model!).map(({ name, kernel }) => {
      const { q } = quantizer.quantize(kernel.read(), this.masks?.get(name));
      const { nonZeros, size } = countNonZeros(q);
      q.dispose();
      return { name, sparsity: 1 - nonZeros / size };
    });
  }

  /** Runs a training cell in the background; its end (or error, or stop) is an event. */
  private background(cell: CellName, params: TrainingParams, work: (signal: AbortSignal) => Promise<unknown>, cleanup?: () => void): { started: true } {
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
    const params = trainingParams(body);
    return this.background(STAGES.stage1.id, params, async (signal) => {
      this.stageOne = await trainFirstStages(this.model!, this.data!.train, this.options(params, signal, STAGES.stage1.id));
      const last = this.stageOne.stages.at(-1)!.history.at(-1);
      return { history: this.stageOne.stages.flatMap((s) => s.history), histograms: this.stageOne.histograms, final: last };
    });
  }

  runPrune(): unknown {
    this.idle();
    const stageOne = this.need(this.stageOne, STAGES.stage1.id);
    const params = (this.params.stage1 ?? {}) as Partial<TrainingParams>;
    this.invalidateAfter(STAGES.prune.id);
    // Quantization pruning: the weights that quantize to zero are pinned there (in the model too).
    const pruned = quantizationPrune(this.model!, twnQuantizer(params.t ?? 1.7));
    this.masks = pruned.masks;
    const layers = pruned.layers.map(({ name, sparsity, size }) => ({ name, sparsity, size }));
    const thresholds = pruned.layers.map(({ name, delta }) => ({ name, delta }));
    // Same bins as stage 1's histograms: pruning keeps the largest weights, so the range is unchanged.
    const histograms = weightHistograms(this.model!);
    return this.record(STAGES.prune.id, { t: params.t ?? 1.7 }, { layers, thresholds, before: stageOne.histograms.afterStage1, after: histograms });
  }

  runStage3(body: Record<string, unknown>) {
    const params = trainingParams(body);
    this.need(this.masks, STAGES.prune.id);
    return this.background(STAGES.stage3.id, params, async (signal) => {
      const options = this.options({ ...params, t: ((this.params.stage1 ?? {}) as TrainingParams).t ?? params.t }, signal, STAGES.stage3.id);
      this.stageThree = await retrainStage(this.model!, this.data!.train, this.masks!, options);
      const floatAccuracy = this.stageThree.history.at(-1)?.floatAccuracy;
      this.report = deploy(this.model!, this.masks, options, this.stageOne!, this.stageThree);
      return { history: this.stageThree.history, accuracy: this.report.accuracy, floatAccuracy, sparsity: this.report.sparsity, layers: this.report.layers };
    });
  }

  runCost(): unknown {
    this.idle();
    const model = this.need(this.model, 'model');
    const report: CostReport = this.report?.hardware ?? costReport(model);
    return this.record('cost', {}, { summary: costSummary(report), layers: report.layers.map(({ name, kind, rows, cols, positions, sparsity, levels, memory }) => ({ name, kind, rows, cols, positions, sparsity, levels, memory })), memory: report.memory, ratios: report.ratios, fpga: Object.fromEntries(Object.entries(report.fpga).map(([k, e]) => [k, { framesPerSecond: e.framesPerSecond, luts: e.luts, bram36: e.bram36, fits: e.fits }])) });
  }

  /** An export of the deployed model, or the same report.html the CLI writes. */
  exportFile(file: string): { bytes: Uint8Array; type: string } {
    this.idle();
    const formats: Record<string, WeightFormat> = { 'model.onnx': 'float', 'model.int8.onnx': 'int8', 'model.qonnx.onnx': 'qonnx' };
    const report = this.need(this.report, STAGES.stage3.id);
    if (file === 'model.stpack') return { bytes: pack(this.model!), type: 'application/octet-stream' };
    if (file in formats) return { bytes: exportOnnx(this.model!, { format: formats[file], method: report.method, layers: report.layers }).bytes, type: 'application/octet-stream' };
    if (file === 'report.html') {
      const data = this.data!;
      const html = reportHtml({
        command: 'sparse-ternary notebook',
        config: { model: this.modelName, method: report.method, data: data.name, stage1: this.params.stage1, stage3: this.params.stage3 },
        info: runInfo(this.engine),
        started: new Date().toISOString(),
        seconds: 0,
        dataset: { name: data.name, source: data.source, train: data.train.count, test: data.test.count },
        accuracyBefore: this.accuracyBefore,
        compress: report,
        outputs: [],
      });
      return { bytes: new TextEncoder().encode(html), type: 'text/html; charset=utf-8' };
    }
    throw new CellError(`no export named ${file}`, 404);
  }

  /** The export cell: the files, and TF.js's classes for the sample images (the page checks its own runtime against them). */
  runExport(): unknown {
    this.idle();
    const report = this.need(this.report, STAGES.stage3.id);
    const data = this.data!;
    const pixels = data.train.imageShape.reduce((a, b) => a * b, 1);
    const samples = Float32Array.from(data.train.images.subarray(0, 12 * pixels), (p) => p / 255);
    const classes = tf.tidy(() => Array.from(tf.argMax(this.model!.predict(tf.tensor(samples, [12, ...data.train.imageShape])) as tf.Tensor, 1).dataSync()));
    return this.record('export', {}, { files: ['model.onnx', 'model.int8.onnx', 'model.qonnx.onnx', 'model.stpack', 'report.html'], sparsity: report.sparsity, sampleClasses: classes });
  }

  /** Several QTR strengths, each a whole compression from the model's initial weights: accuracy against memory. */
  runSweep(body: Record<string, unknown>) {
    const lambdas = Array.isArray(body.lambdas) ? body.lambdas.map((v) => number(v, 'lambda', (x) => x >= 0)) : [0, 2e-5, 1e-4];
    if (!lambdas.length || lambdas.length > 12) throw new CellError('lambdas: give 1 to 12 strengths');
    const params = trainingParams(body);
    // The sweep leaves the model as it found it (a compressed model stays exportable).
    const current = this.need(this.model, 'model').getWeights().map((w) => w.clone());
    return this.background('sweep', params, async (signal) => {
      const points = [];
      for (const lambda of lambdas) {
        this.model!.setWeights(this.loadedWeights);
        const options = { ...this.options({ ...params, qtrLambda: lambda }, signal, STAGES.stage1.id), epochs: { stage1: params.epochs, stage3: params.epochs }, checkpointDir: undefined };
        const trained = await trainFirstStages(this.model!, this.data!.train, options);
        const masks = pruneStage(this.model!, options)!;
        const third = await retrainStage(this.model!, this.data!.train, masks, options);
        const report = deploy(this.model!, masks, options, trained, third);
        disposeMasks(masks);
        const point = { lambda, accuracy: report.accuracy, sparsity: report.sparsity, kiB: report.hardware.memory.deployed / 8 / 1024 };
        points.push(point);
        this.emit('sweep-point', point);
      }
      return { points };
    }, () => {
      this.model!.setWeights(current);
      tf.dispose(current);
    });
  }

  stop(): boolean {
    if (!this.job) return false;
    this.job.abort();
    return true;
  }

  /** The page's state: every cell's parameters and results (the weights stay on the server). */
  state() {
    return { version: 1, params: this.params, results: this.results };
  }

  dispose(): void {
    this.job?.abort();
    this.model?.dispose();
    tf.dispose(this.loadedWeights);
    if (this.masks) disposeMasks(this.masks);
    rmSync(this.checkpointDir, { recursive: true, force: true });
  }
}
