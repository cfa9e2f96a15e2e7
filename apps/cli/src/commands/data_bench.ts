// data download, and bench: training throughput of a topology on the available backends.
import { DATASET_NAMES, download, type DatasetName } from '@sparse-ternary/datasets';
import { adam, initEngine, type BackendChoice } from '@sparse-ternary/engine';
import { outputClasses } from '@sparse-ternary/models';
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

/** Samples per second of `steps` training steps of a model (a topology or an .onnx file), per backend, after one warm-up step. */
export async function benchCommand(options: { model: string; backends: string[]; steps: number; batchSize: number }, reporter: Reporter, stdout: NodeJS.WritableStream, json: boolean): Promise<number> {
  const rows: { backend: string; samplesPerSecond: number }[] = [];
  for (const backend of options.backends) {
    const engine = await initEngine({ backend: backend as BackendChoice });
    const model = loadModel({ model: options.model, seed: 1 });
    model.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
    const [h, w, c] = model.inputs[0].shape.slice(1) as number[];
    const x = tf.randomUniform([options.batchSize, h, w, c], 0, 1, 'float32', 1);
    const classes = outputClasses(model) ?? 10;
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: options.batchSize }, (_, i) => i % classes), 'int32'), classes);
    await model.trainOnBatch(x, y);
    const start = performance.now();
    for (let i = 0; i < options.steps; i++) await model.trainOnBatch(x, y);
    const samplesPerSecond = (options.steps * options.batchSize) / ((performance.now() - start) / 1000);
    rows.push({ backend: engine.backend, samplesPerSecond });
    tf.dispose([x, y]);
    model.dispose();
    reporter.info(`${options.model} on ${engine.backend}: ${samplesPerSecond.toFixed(1)} samples/s`);
  }
  if (json) reporter.event('bench', { model: options.model, batchSize: options.batchSize, steps: options.steps, rows });
  else {
    const base = rows[rows.length - 1].samplesPerSecond;
    stdout.write(`| backend | samples/s | vs ${rows[rows.length - 1].backend} |\n|---|---|---|\n`);
    for (const r of rows) stdout.write(`| ${r.backend} | ${r.samplesPerSecond.toFixed(1)} | ${(r.samplesPerSecond / base).toFixed(1)}x |\n`);
  }
  return EXIT.ok;
}
