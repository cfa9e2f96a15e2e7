// data download, and bench: training throughput of a topology on the available backends, and of
// the same step compiled into one onnxruntime graph.
import { DATASET_NAMES, download, type DatasetName } from '@sparse-ternary/datasets';
import { adam, CompileError, compileTrainingStep, initEngine, type BackendChoice } from '@sparse-ternary/engine';
import { outputClasses } from '@sparse-ternary/models';
import { trainingHead } from '@sparse-ternary/retrain';
import * as tf from '@tensorflow/tfjs-core';
import { EXIT, UsageError } from '../errors';
import type { Reporter } from '../progress';
import { loadModel } from '../sources';

export async function downloadCommand(name: string, options: { dir: string; mirror?: string; stallSeconds?: number }, reporter: Reporter): Promise<number> {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown dataset '${name}': expected one of ${DATASET_NAMES.join(', ')}`);
  const files = await download(name as DatasetName, options.dir, { baseUrl: options.mirror, stallSeconds: options.stallSeconds, onFile: (file) => reporter.info(`wrote ${file}`) });
  reporter.info(files.length ? `${name}: ${files.length} files in ${options.dir}` : `${name}: already in ${options.dir}`);
  reporter.event('downloaded', { dataset: name, dir: options.dir, files });
  return EXIT.ok;
}

/** A seeded batch for the model: random images and labels cycling through its classes. */
function benchBatch(model: ReturnType<typeof loadModel>, batchSize: number) {
  const [h, w, c] = model.inputs[0].shape.slice(1) as number[];
  const classes = outputClasses(model) ?? 10;
  return { x: tf.randomUniform([batchSize, h, w, c], 0, 1, 'float32', 1), y: tf.oneHot(tf.tensor1d(Array.from({ length: batchSize }, (_, i) => i % classes), 'int32'), classes) };
}

/** Samples per second of `steps` steps (after one warm-up step). */
async function samplesPerSecond(steps: number, batchSize: number, step: () => unknown): Promise<number> {
  await step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (steps * batchSize) / ((performance.now() - start) / 1000);
}

/**
 * Samples per second of training steps of a model (a topology or an .onnx file) with Adam, per
 * backend kernel by kernel, then the same step compiled into one onnxruntime graph (or why it is not).
 */
export async function benchCommand(options: { model: string; backends: string[]; steps: number; batchSize: number }, reporter: Reporter, stdout: NodeJS.WritableStream, json: boolean): Promise<number> {
  const rows: { backend: string; samplesPerSecond: number }[] = [];
  for (const backend of options.backends) {
    const engine = await initEngine({ backend: backend as BackendChoice });
    const model = loadModel({ model: options.model, seed: 1 });
    model.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
    const { x, y } = benchBatch(model, options.batchSize);
    const rate = await samplesPerSecond(options.steps, options.batchSize, () => model.trainOnBatch(x, y));
    rows.push({ backend: engine.backend, samplesPerSecond: rate });
    tf.dispose([x, y]);
    model.dispose();
    reporter.info(`${options.model} on ${engine.backend}: ${rate.toFixed(1)} samples/s`);
  }
  let notCompiled: string | undefined;
  const model = loadModel({ model: options.model, seed: 1 });
  try {
    // As train() compiles it: on the logits where the model ends in a separate softmax, or in none.
    const head = trainingHead(model);
    const step = compileTrainingStep(head.model, { optimizer: { kind: 'adam', learningRate: 1e-3 }, output: head.output });
    const { x, y } = benchBatch(model, options.batchSize);
    const [xs, ys] = [x.dataSync() as Float32Array, Float32Array.from(y.dataSync())];
    // The steps in runs of stepsPerRun, as train() gives them.
    const window = Array.from({ length: options.steps }, () => ({ x: xs, y: ys }));
    step.run(window.slice(0, step.stepsPerRun));
    const start = performance.now();
    step.run(window);
    const rate = (options.steps * options.batchSize) / ((performance.now() - start) / 1000);
    rows.push({ backend: 'compiled step (onnxruntime)', samplesPerSecond: rate });
    tf.dispose([x, y]);
    step.dispose();
    reporter.info(`${options.model}, compiled step: ${rate.toFixed(1)} samples/s`);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    notCompiled = error.message;
    reporter.info(`${options.model}: the training step is not compiled (${notCompiled})`);
  } finally {
    model.dispose();
  }
  if (json) reporter.event('bench', { model: options.model, batchSize: options.batchSize, steps: options.steps, rows, ...(notCompiled ? { notCompiled } : {}) });
  else {
    // Against the last backend asked for (cpu by default).
    const base = rows[options.backends.length - 1];
    stdout.write(`| backend | samples/s | vs ${base.backend} |\n|---|---|---|\n`);
    for (const r of rows) stdout.write(`| ${r.backend} | ${r.samplesPerSecond.toFixed(1)} | ${(r.samplesPerSecond / base.samplesPerSecond).toFixed(1)}x |\n`);
    if (notCompiled) stdout.write(`\nThe training step is not compiled: ${notCompiled}\n`);
  }
  return EXIT.ok;
}
