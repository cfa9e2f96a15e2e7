// A plan's runs: every seed x list entry x grid combination, each a whole run configuration with
// a readable name (what it varies) and a hash of what it trains (its identity across restarts);
// with a pretraining run, one per seed first, which that seed's runs start from.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { mergeConfig, trainingConfiguration, type RunConfig } from '@sparse-ternary/retrain';
import type { SweepPlan } from './plan';
import { runDir } from './run_state';

export interface SweepRun {
  /** Its folder under the sweep's output: the varied keys and the seed. */
  name: string;
  /** The same without the seed: the runs averaged together. */
  group: string;
  config: RunConfig;
  /** sha256 of its training configuration (not where it writes or with how many threads). */
  hash: string;
  /** The pretraining run whose model.onnx it starts from. */
  needs?: string;
}

/** The group of the pretraining runs (not a configuration the summary compares). */
export const PRETRAIN_GROUP = 'pretrain';
/** A run's model while it waits for its pretraining run's: resolved against the sweep's folder when it starts (each machine mounts it at its own path). */
const PRETRAINED_MODEL = '<pretrained>';

/** The run's configuration as it runs from `out`: its pretraining run's model.onnx filled in. */
export const resolvedRun = (out: string, run: SweepRun): SweepRun => (run.needs ? { ...run, config: { ...run.config, model: path.join(runDir(out, { name: run.needs }), 'model.onnx') } } : run);

/** The order runs go in: the pretraining runs, then the runs that start from them. */
export const phases = (runs: SweepRun[]): SweepRun[][] => [runs.filter((r) => !r.needs), runs.filter((r) => r.needs)].filter((phase) => phase.length);

const slug = (parts: string[]) => parts.join(',').replace(/[^\w.,=+-]/g, '_') || 'base';
const pairs = (entries: [string, unknown][]) => entries.map(([k, v]) => `${k}=${String(v)}`);

/** Every combination of the grid's values (one empty combination for no grid). */
function combinations(grid: SweepPlan['grid']): Partial<RunConfig>[] {
  return grid.reduce<Partial<RunConfig>[]>((partial, [, values]) => partial.flatMap((c) => values.map((v) => ({ ...c, ...v }))), [{}]);
}

export const configHash = (config: RunConfig): string =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(trainingConfiguration(config)).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex');

export function expandPlan(plan: SweepPlan): SweepRun[] {
  const pretraining = new Map<number, SweepRun>();
  if (plan.pretrain) {
    for (const seed of plan.seeds) {
      const config = mergeConfig(plan.base, plan.pretrain, { seed });
      const name = slug([PRETRAIN_GROUP, ...pairs([['seed', seed]])]);
      pretraining.set(seed, { name, group: PRETRAIN_GROUP, config, hash: configHash(config) });
    }
  }
  const runs: SweepRun[] = [...pretraining.values()];
  // A list entry is named by its name, by what it sets, or by its place where two entries would read the same.
  const labels = plan.list.map((entry) => entry.name ?? slug(pairs(Object.entries(entry.config))));
  const named = new Set(labels).size === labels.length;
  plan.list.forEach((entry, i) => {
    for (const combination of combinations(plan.grid)) {
      const varied = [...(plan.list.length < 2 ? [] : named ? [labels[i]] : pairs([['list', i]])), ...pairs(Object.entries(combination))];
      for (const seed of plan.seeds) {
        const name = slug([...varied, ...pairs([['seed', seed]])]);
        const pretrained = 'model' in entry.config || 'model' in combination ? undefined : pretraining.get(seed);
        const config = mergeConfig(plan.base, entry.config, combination, { seed }, pretrained ? { model: PRETRAINED_MODEL } : {});
        // A pretrained run is the same run while its pretraining run is: that run's hash stands for the model.
        const hash = configHash(pretrained ? { ...config, model: `${PRETRAINED_MODEL}${pretrained.hash}` } : config);
        runs.push({ name, group: slug(varied), config, hash, ...(pretrained ? { needs: pretrained.name } : {}) });
      }
    }
  });
  return runs;
}
