// A plan's runs: every seed x list entry x grid combination, each a whole run configuration with
// a readable name (what it varies) and a hash of what it trains (its identity across restarts).
import { createHash } from 'node:crypto';
import { mergeConfig, trainingConfiguration, type RunConfig } from '@sparse-ternary/retrain';
import type { SweepPlan } from './plan';

export interface SweepRun {
  /** Its folder under the sweep's output: the varied keys and the seed. */
  name: string;
  /** The same without the seed: the runs averaged together. */
  group: string;
  config: RunConfig;
  /** sha256 of its training configuration (not where it writes or with how many threads). */
  hash: string;
}

const slug = (entries: [string, unknown][]) => entries.map(([k, v]) => `${k}=${String(v)}`).join(',').replace(/[^\w.,=+-]/g, '_') || 'base';

/** Every combination of the grid's values (one empty combination for no grid). */
function combinations(grid: SweepPlan['grid']): Partial<RunConfig>[] {
  return grid.reduce<Partial<RunConfig>[]>((partial, [, values]) => partial.flatMap((c) => values.map((v) => ({ ...c, ...v }))), [{}]);
}

export const configHash = (config: RunConfig): string =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(trainingConfiguration(config)).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex');

export function expandPlan(plan: SweepPlan): SweepRun[] {
  const runs: SweepRun[] = [];
  // A list entry is named by what it sets, or by its place where two entries would read the same.
  const named = new Set(plan.list.map((entry) => slug(Object.entries(entry)))).size === plan.list.length;
  plan.list.forEach((entry, i) => {
    for (const combination of combinations(plan.grid)) {
      const varied: [string, unknown][] = [...(plan.list.length < 2 ? [] : named ? Object.entries(entry) : [['list', i] as [string, unknown]]), ...Object.entries(combination)];
      for (const seed of plan.seeds) {
        const config = mergeConfig(plan.base, entry, combination, { seed });
        runs.push({ name: slug([...varied, ['seed', seed]]), group: slug(varied), config, hash: configHash(config) });
      }
    }
  });
  return runs;
}
