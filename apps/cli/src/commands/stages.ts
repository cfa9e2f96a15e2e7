import { writeFileAtomic } from '@sparse-ternary/base';
// The pipeline one stage at a time, through files in --out: `train` (stage 0 and 1) writes its
// checkpoints and stage-1.json, `prune` (stage 2) the masked weights in checkpoints/stage-2, and
// `retrain` (stage 3) finishes the run like compress.
import {
  deploy,
  loadCheckpoint,
  mergeConfig,
  percent,
  pruneStage,
  retrainStage,
  setModelWeights,
  STAGES,
  storedTensor,
  trainFirstStages,
  writeCheckpoint,
  type FirstStagesResult,
  type RunConfig,
  type Stage,
} from '@sparse-ternary/retrain';
import type { Masks } from '@sparse-ternary/quantize-prune';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../errors';
import { readConfigFile } from '../run_flags';
import { baselineAccuracy, finishRun, interruptible, pipelineOptions, runConfigFile, startRun, type CommandContext, type Run } from './pipeline';

interface StageOneRecord extends FirstStagesResult {
  accuracyBefore: number;
}

const stageOneFile = (out: string) => path.join(out, `${STAGES.stage1.folder}.json`);

function readJson<T>(file: string, producedBy: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): run \`sparse-ternary ${producedBy}\` first`);
  }
}

/** The configuration the run in `out` was started with, checked like a config file. */
export function readRunConfig(out: string): RunConfig {
  const file = runConfigFile(out);
  if (!existsSync(file)) throw new Error(`cannot read ${file} (ENOENT): run \`sparse-ternary train\` first`);
  return mergeConfig(readConfigFile(file), { out });
}

/** The last checkpoint of a stage, written into the model; an error names what is missing. */
function restoreStage(run: Run, stage: Stage, producedBy: string) {
  const dir = path.join(run.checkpointDir, stage.folder);
  const checkpoint = loadCheckpoint(dir);
  if (!checkpoint) throw new Error(`no checkpoint in ${dir}: run \`sparse-ternary ${producedBy}\` first`);
  setModelWeights(run.model, checkpoint);
  return checkpoint;
}

export async function trainCommand(config: RunConfig, resume: boolean, ctx: CommandContext): Promise<number> {
  const run = await startRun(config, ctx, resume);
  const options = pipelineOptions(run, resume, ctx);
  const accuracyBefore = baselineAccuracy(run, options);
  const trained = await interruptible(run, () => trainFirstStages(run.model, run.data.train, options), `sparse-ternary train --config ${runConfigFile(config.out)} --resume`, ctx);
  if (!trained) return EXIT.interrupted;
  writeFileAtomic(stageOneFile(run.out), JSON.stringify({ ...trained, accuracyBefore } satisfies StageOneRecord));
  ctx.reporter.info(`stage 1 done; next: sparse-ternary prune -o ${config.out}`);
  ctx.reporter.event('trained', { out: run.out, next: `sparse-ternary prune -o ${config.out}` });
  return EXIT.ok;
}

export async function pruneCommand(out: string, ctx: CommandContext): Promise<number> {
  const run = await startRun(readRunConfig(out), ctx);
  restoreStage(run, STAGES.stage1, 'train');
  const pruned = pruneStage(run.model, pipelineOptions(run, false, ctx));
  if (!pruned) throw new Error(`method ${run.config.method} does not prune: use compress`);
  const { masks } = pruned;
  writeCheckpoint(path.join(run.checkpointDir, STAGES.prune.folder), {
    // Each layer's pruning threshold, which the report of the retrained model gives as its Delta.
    state: { stage: STAGES.prune.label, thresholds: pruned.layers.map((l) => l.delta) },
    groups: { weights: run.model.weights.map((w) => storedTensor(w.name, w.read())), optimizer: [], masks: [...masks.entries()].map(([name, m]) => storedTensor(name, m)) },
  });
  for (const [name, mask] of masks) {
    const values = mask.dataSync();
    const zeros = values.filter((v) => v === 0).length;
    ctx.reporter.info(`${name}: ${percent(zeros / values.length)} pruned`);
  }
  ctx.reporter.info(`next: sparse-ternary retrain -o ${run.config.out}`);
  ctx.reporter.event('pruned', { out: run.out, layers: [...masks.keys()] });
  return EXIT.ok;
}

export async function retrainCommand(out: string, resume: boolean, ctx: CommandContext): Promise<number> {
  const run = await startRun(readRunConfig(out), ctx);
  const stageOne = readJson<StageOneRecord>(stageOneFile(run.out), 'train');
  const pruned = restoreStage(run, STAGES.prune, 'prune');
  // Masks by position: the saved weights name the kernels as the process that pruned saw them.
  const savedNames = pruned.groups.weights.map((w) => w.name);
  const masks: Masks = new Map(pruned.groups.masks.map((m) => [run.model.weights[savedNames.indexOf(m.name)].name, tf.tensor(m.values, m.shape)]));
  const options = pipelineOptions(run, resume, ctx);
  const stage3 = await interruptible(run, () => retrainStage(run.model, run.data.train, masks, options, stageOne.layerCosts), `sparse-ternary retrain -o ${run.config.out} --resume`, ctx);
  if (!stage3) return EXIT.interrupted;
  const thresholds = pruned.state.thresholds;
  return finishRun(run, deploy(run.model, masks, options, stageOne, stage3, Array.isArray(thresholds) && thresholds.every(Number.isFinite) ? thresholds : undefined), stageOne.accuracyBefore, ctx);
}
