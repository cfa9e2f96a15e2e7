// A sweep plan: a base configuration (the keys of --config and run.json), a grid over those keys
// (every combination) and/or a list of configurations (each may carry a name), seeds, and a
// pretraining run the others start from. Checked whole before anything runs: unknown keys, empty
// dimensions and values of the wrong type are PlanErrors naming the key.
import { readFileSync } from 'node:fs';
import { didYouMean } from '@sparse-ternary/base';
import { configFromJson, OptionError, RUN_OPTIONS, type RunConfig } from '@sparse-ternary/retrain';
import { parse as parseYaml } from 'yaml';
import { PlanError } from './errors';
import { PRETRAIN_GROUP } from './runs';

export interface ListEntry {
  /** What its runs are called (default: the options it sets). */
  name?: string;
  config: Partial<RunConfig>;
}

export interface SweepPlan {
  /** The file it came from (named in errors and the summary). */
  file: string;
  title?: string;
  base: Partial<RunConfig>;
  /**
   * Options over the base for a run per seed done before the others (a float model, say), whose
   * model.onnx each of that seed's runs starts from, unless it names a model of its own.
   */
  pretrain?: Partial<RunConfig>;
  /** Each key's values; every combination runs. */
  grid: [string, Partial<RunConfig>[]][];
  /** Whole configurations, each crossed with the grid (one empty entry where none is given). */
  list: ListEntry[];
  seeds: number[];
  /** Attempts after a run's first fails (default 2). */
  retries: number;
}

const PLAN_KEYS = ['title', 'base', 'pretrain', 'grid', 'list', 'seeds', 'retries', '$schema'];
/** Keys a sweep sets for each run itself. */
export const SWEEP_OWNED_OPTIONS = ['out', 'seed', 'threads'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A configuration checked against the run options, errors named by the plan's key path (`at.key`, or `where(key)`). */
function checked(file: string, at: string, json: unknown, where = (key: string) => `${at}.${key}`): Partial<RunConfig> {
  if (!isObject(json)) throw new PlanError(file, at, 'must be an object of run options');
  const owned = Object.keys(json).find((k) => SWEEP_OWNED_OPTIONS.includes(k));
  if (owned) throw new PlanError(file, where(owned), `the sweep sets ${owned} for each run${owned === 'seed' ? ' (list them in "seeds")' : ''}`);
  try {
    return configFromJson(RUN_OPTIONS, json, `${file}: ${at}`);
  } catch (error) {
    if (error instanceof OptionError) throw new PlanError(file, where(error.option), /unknown option/.test(error.message) ? `not a run option${didYouMean(error.option, Object.keys(RUN_OPTIONS))} (sparse-ternary compress --help lists them)` : error.message);
    throw error;
  }
}

/** A plan from its JSON or YAML text. */
export function parsePlan(text: string, file: string): SweepPlan {
  let json: unknown;
  try {
    json = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new PlanError(file, '', `not ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(error as Error).message}`);
  }
  if (!isObject(json)) throw new PlanError(file, '', 'a plan is an object: { "base": {...}, "grid": {...}, "seeds": [...] }');
  const unknown = Object.keys(json).find((k) => !PLAN_KEYS.includes(k));
  if (unknown) throw new PlanError(file, unknown, `unknown plan key (a plan has ${PLAN_KEYS.slice(0, -1).join(', ')})`);
  if (json.title !== undefined && typeof json.title !== 'string') throw new PlanError(file, 'title', 'must be a string');
  const base = checked(file, 'base', json.base ?? {});
  const pretrain = json.pretrain === undefined ? undefined : checked(file, 'pretrain', json.pretrain);
  if (json.grid !== undefined && !isObject(json.grid)) throw new PlanError(file, 'grid', 'must be an object of option: [values]');
  const grid = Object.entries((json.grid ?? {}) as Record<string, unknown>).map(([key, values]): [string, Partial<RunConfig>[]] => {
    if (!Array.isArray(values) || values.length === 0) throw new PlanError(file, `grid.${key}`, 'must be a non-empty array of values');
    return [key, values.map((value, i) => checked(file, 'grid', { [key]: value }, () => `grid.${key}[${i}]`))];
  });
  if (json.list !== undefined && (!Array.isArray(json.list) || json.list.length === 0)) throw new PlanError(file, 'list', 'must be a non-empty array of configurations');
  const list = ((json.list as unknown[] | undefined) ?? [{}]).map((entry, i): ListEntry => {
    const { name, ...options } = isObject(entry) ? entry : { name: undefined };
    if (name !== undefined && (typeof name !== 'string' || !/^[\w.+-]+$/.test(name))) throw new PlanError(file, `list[${i}].name`, 'must be a name of letters, digits and . + - _');
    if (name === PRETRAIN_GROUP) throw new PlanError(file, `list[${i}].name`, `${PRETRAIN_GROUP} is the pretraining runs' name`);
    return { ...(name ? { name } : {}), config: checked(file, `list[${i}]`, isObject(entry) ? options : entry) };
  });
  const names = list.filter((e) => e.name).map((e) => e.name);
  if (new Set(names).size !== names.length) throw new PlanError(file, 'list', 'names an entry twice');
  const seeds = (json.seeds ?? [1]) as unknown;
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isInteger(s))) throw new PlanError(file, 'seeds', 'must be a non-empty array of integers');
  if (new Set(seeds).size !== seeds.length) throw new PlanError(file, 'seeds', 'has a seed twice');
  const retries = json.retries ?? 2;
  if (!Number.isInteger(retries) || (retries as number) < 0) throw new PlanError(file, 'retries', 'must be a non-negative integer');
  return { file, ...(json.title ? { title: json.title as string } : {}), base, ...(pretrain ? { pretrain } : {}), grid, list, seeds: seeds as number[], retries: retries as number };
}

/** A plan read from a file. */
export function readPlan(file: string): SweepPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    // A missing file is a failure (exit 1), as a missing model or config file is, not a bad plan (exit 2).
    throw new Error(`cannot read plan ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parsePlan(text, file);
}
