// compress: the three-stage pipeline end to end, then exports, reports and checkpoints in --out.
import { initEngine, type BackendChoice } from '@sparse-ternary/engine';
import { costSummary } from '@sparse-ternary/hw-cost';
import { saveOnnx, type WeightFormat } from '@sparse-ternary/onnx';
import { targetSparsityQuantizer, twnQuantizer } from '@sparse-ternary/quantize-prune';
import { l2, qtrCost, qtrDeadzone, type Regularizer } from '@sparse-ternary/regularizers';
import { accuracy, compress, TrainingInterrupted } from '@sparse-ternary/retrain';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CompressConfig } from '../compress_config';
import { EXIT } from '../errors';
import type { Reporter } from '../progress';
import { reportHtml } from '../report/report_html';
import { reportMarkdown } from '../report/report_markdown';
import { percent, type RunReport } from '../report/run_report';
import { runInfo } from '../run_info';
import { checkCompatible, loadData, loadModel } from '../sources';
import { writeFileAtomic } from '../write_file';

export interface CommandContext {
  reporter: Reporter;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
  /** The command line, for the report. */
  commandLine: string;
  stderr: NodeJS.WritableStream;
}

export const EXPORTS: { file: string; format: WeightFormat }[] = [
  { file: 'model.onnx', format: 'float' },
  { file: 'model.int8.onnx', format: 'int8' },
  { file: 'model.qonnx.onnx', format: 'qonnx' },
];

function regularizersOf(config: CompressConfig): Regularizer[] {
  const qtr = config.qtr === 'cost' ? [qtrCost(config.qtrLambda)] : config.qtr === 'deadzone' ? [qtrDeadzone(config.qtrLambda)] : [];
  return [...(config.l2 > 0 ? [l2(config.l2)] : []), ...qtr];
}

export async function compressCommand(config: CompressConfig, resume: boolean, ctx: CommandContext): Promise<number> {
  const started = new Date();
  const engine = await initEngine({ backend: config.backend as BackendChoice });
  const data = loadData(config.data);
  const model = loadModel(config);
  checkCompatible(model, data, config.model, config.data);
  const out = path.resolve(config.out);
  const checkpointDir = path.join(out, 'checkpoints');
  mkdirSync(checkpointDir, { recursive: true });
  // The resolved configuration: what --resume and the stage commands read back.
  writeFileAtomic(path.join(out, 'run.json'), `${JSON.stringify(config, null, 2)}\n`);
  const resumeCommand = `sparse-ternary compress --config ${path.join(config.out, 'run.json')} --resume`;

  const tensors = { scale: config.scale };
  ctx.reporter.info(`${config.method} ${config.model} on ${data.name} (${data.train.count} training, ${data.test.count} test images from ${data.source}); backend ${engine.backend}, ${engine.threads} threads`);
  const accuracyBefore = accuracy(model, data.test, tensors);
  let result;
  try {
    result = await compress(model, data.train, {
      method: config.method,
      epochs: { stage0: config.stage0Epochs, stage1: config.stage1Epochs, stage3: config.stage3Epochs },
      batchSize: config.batchSize,
      optimizer: config.optimizer,
      learningRate: config.learningRate,
      seed: config.seed,
      tensors,
      quantizer: config.targetSparsity ? targetSparsityQuantizer(config.targetSparsity) : twnQuantizer(config.t),
      regularizers: regularizersOf(config),
      pruneSparsity: config.pruneSparsity,
      hardwareCost: config.hardwareCost === 'none' ? undefined : config.hardwareCost,
      test: data.test,
      checkpointDir,
      resume,
      signal: ctx.signal,
      onStageStart: (stage, epochs) => ctx.reporter.stage(stage, epochs),
      onBatchEnd: (p) => ctx.reporter.batch(p),
      onEpochEnd: (p) => ctx.reporter.epoch(p),
    });
  } catch (error) {
    ctx.reporter.close();
    if (!(error instanceof TrainingInterrupted)) throw error;
    ctx.stderr.write(`interrupted: ${error.message}\nresume with: ${resumeCommand}\n`);
    ctx.reporter.event('interrupted', { stage: error.stage, epoch: error.epoch, batch: error.batch, resume: resumeCommand });
    return EXIT.interrupted;
  }
  ctx.reporter.close();
  const { report } = result;

  const hardwareCost = costSummary(report.hardware);
  for (const { file, format } of EXPORTS) saveOnnx(model, path.join(out, file), { format, method: report.method, layers: report.layers, hardwareCost });
  const runReport: RunReport = {
    command: ctx.commandLine,
    config,
    info: runInfo(engine),
    started: started.toISOString(),
    seconds: (Date.now() - started.getTime()) / 1000,
    dataset: { name: data.name, source: data.source, train: data.train.count, test: data.test.count },
    accuracyBefore,
    compress: report,
    outputs: [],
  };
  const files = [...EXPORTS.map((e) => e.file), 'report.json', 'report.md', 'report.html'];
  runReport.outputs = EXPORTS.map(({ file }) => ({ file, bytes: statSync(path.join(out, file)).size }));
  writeFileAtomic(path.join(out, 'report.json'), JSON.stringify(runReport, null, 1));
  writeFileAtomic(path.join(out, 'report.md'), reportMarkdown(runReport));
  writeFileAtomic(path.join(out, 'report.html'), reportHtml(runReport));

  ctx.reporter.info(
    `test accuracy ${percent(report.accuracy)} at ${percent(report.sparsity)} sparsity (before ${percent(accuracyBefore)}); ` +
      `kernels ${report.hardware.ratios.binary.toFixed(1)}x smaller than binary, ${report.hardware.ratios.ternary.toFixed(1)}x smaller than dense ternary`,
  );
  ctx.reporter.info(`wrote ${files.map((f) => path.join(config.out, f)).join(', ')} and ${path.join(config.out, 'checkpoints')}`);
  ctx.reporter.event('done', { accuracy: report.accuracy, sparsity: report.sparsity, accuracyBefore, out, files: [...files, 'checkpoints'] });
  return EXIT.ok;
}
