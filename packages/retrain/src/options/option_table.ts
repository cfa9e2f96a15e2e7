// How a table of options is read: each entry declares a name, its flag, type, default, range and
// help once; from it come the parsing and checks of a value (from a flag, a JSON config or a
// form field), the defaults, the configuration's TypeScript type and its JSON Schema.
import { didYouMean } from '@sparse-ternary/base';
import type { Method } from '../methods';
import type { StageId } from '../stages';

export type OptionType = 'integer' | 'number' | 'boolean' | 'string';

/** What part of a run an option configures (the notebook shows each group in its cell). */
export type OptionGroup = 'data' | 'model' | 'method' | 'training' | StageId | 'run';

export interface OptionSpec {
  /** The command line's flags and value placeholder, as commander reads them: '-n, --name <value>'. */
  flag: string;
  type: OptionType;
  /** The values it takes (a string option, or a number one: bit widths). */
  choices?: readonly (string | number)[];
  /** Names it usually takes besides paths (a topology, a dataset): offered, not enforced. */
  suggestions?: readonly string[];
  default?: string | number | boolean;
  /** With a default: a configuration may still leave it unset (the threshold rule's target sparsity). */
  clearable?: true;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  /** A further check of a string value (presets, sizes); throws with what it expected. */
  check?: (value: string) => void;
  help: string;
  /** A switch that defaults to true: the help of its --no- flag. */
  negation?: string;
  group: OptionGroup;
  /** The methods it applies to (absent: all). */
  methods?: readonly Method[];
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** What parsing a value needs of a declaration (also for a command's own flags: a port, a count). */
export type ValueSpec = Pick<OptionSpec, 'type' | 'choices' | 'minimum' | 'exclusiveMinimum' | 'maximum' | 'exclusiveMaximum' | 'check'>;

type ValueOf<S> = S extends { choices: readonly (infer C)[] } ? C : S extends { type: 'integer' | 'number' } ? number : S extends { type: 'boolean' } ? boolean : string;

/** The configuration a table describes: options with a default always hold a value. */
export type ConfigOf<T extends OptionTable> = {
  -readonly [K in keyof T]: T[K] extends { default: unknown; clearable?: undefined } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

/** A value an option does not take: names the option, the value and what was expected. */
export class OptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'OptionError';
  }
}

/** The long flag: '--name' of '-n, --name <value>'. */
export const longFlag = (spec: OptionSpec): string => spec.flag.match(/--[\w-]+/)![0];

/** What an option expects, in words. */
function expectation(spec: ValueSpec): string {
  if (spec.choices) return `one of ${spec.choices.join(', ')}`;
  if (spec.type === 'boolean') return 'true or false';
  if (spec.type === 'string') return 'a non-empty string';
  const { minimum, exclusiveMinimum, maximum, exclusiveMaximum } = spec;
  const integer = spec.type === 'integer';
  const bounded = maximum !== undefined || exclusiveMaximum !== undefined;
  if (exclusiveMinimum === 0 && exclusiveMaximum === 1 && minimum === undefined && maximum === undefined) return 'a fraction between 0 and 1';
  if (!bounded && minimum === undefined && exclusiveMinimum === 0) return `a positive ${integer ? 'integer' : 'number'}`;
  if (!bounded && exclusiveMinimum === undefined && minimum === 0 && integer) return 'a whole number (0 or more)';
  const bounds = Object.entries({ '>=': minimum, '>': exclusiveMinimum, '<=': maximum, '<': exclusiveMaximum }).filter(([, v]) => v !== undefined);
  return [integer ? 'an integer' : 'a number', bounds.map(([op, v]) => `${op} ${v}`).join(' and ')].filter(Boolean).join(' ');
}

function inRange(spec: ValueSpec, n: number): boolean {
  return (
    Number.isFinite(n) &&
    (spec.type !== 'integer' || Number.isInteger(n)) &&
    (spec.minimum === undefined || n >= spec.minimum) &&
    (spec.exclusiveMinimum === undefined || n > spec.exclusiveMinimum) &&
    (spec.maximum === undefined || n <= spec.maximum) &&
    (spec.exclusiveMaximum === undefined || n < spec.exclusiveMaximum)
  );
}

/**
 * A value of an option, from a flag's or a form's string or a JSON value: "0.5" or "true" in a
 * config file is the number or switch it names. Throws a plain Error saying what was expected (the
 * caller names the option its own way: a flag, a config key, a field).
 */
export function parseValue(spec: ValueSpec, value: unknown): string | number | boolean {
  if (!['string', 'number', 'boolean'].includes(typeof value)) throw new Error('expected a single value');
  const text = String(value);
  const fail = (): never => {
    throw new Error(`expected ${expectation(spec)}`);
  };
  if (spec.type === 'boolean') return text === 'true' || text === 'false' ? text === 'true' : fail();
  if (spec.type === 'string') {
    if (typeof value !== 'string' || value === '') fail();
    if (spec.choices && !spec.choices.includes(text)) fail();
    spec.check?.(text);
    return text;
  }
  const n = text.trim() === '' ? NaN : Number(text);
  return inRange(spec, n) && (!spec.choices || spec.choices.includes(n)) ? n : fail();
}

/** Every option's default (options without one are absent). */
export function defaultsOf<T extends OptionTable>(table: T): ConfigOf<T> {
  return Object.fromEntries(Object.entries(table).map(([key, spec]) => [key, spec.default])) as ConfigOf<T>;
}

/**
 * A configuration from a JSON object (a config file, run.json, a sweep plan's base), checked key
 * by key: unknown keys and bad values are OptionErrors naming `source` and the key. A "$schema"
 * key (the editor's) is allowed and dropped.
 */
export function configFromJson<T extends OptionTable>(table: T, json: unknown, source: string): Partial<ConfigOf<T>> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new OptionError('', `${source} must hold a JSON object`);
  const { $schema: _editorSchema, ...values } = json as Record<string, unknown>;
  // Own keys only: "constructor" or "toString" are not options because every object has them.
  const unknown = Object.keys(values).filter((key) => !Object.hasOwn(table, key));
  if (unknown.length) throw new OptionError(unknown[0], `${source}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `${key}${didYouMean(key, Object.keys(table))}`).join(', ')}`);
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    try {
      config[key] = parseValue(table[key], value);
    } catch (error) {
      throw new OptionError(key, `option ${key} = ${JSON.stringify(value)}: ${(error as Error).message}`);
    }
  }
  return config as Partial<ConfigOf<T>>;
}

/** The JSON Schema of a config file of the table (draft-07, what editors read from a "$schema" key). */
export function configJsonSchema(table: OptionTable, id: string): Record<string, unknown> {
  const properties = Object.fromEntries(
    Object.entries(table).map(([key, spec]) => {
      const { choices, minimum, exclusiveMinimum, maximum, exclusiveMaximum } = spec;
      return [
        key,
        {
          type: spec.type,
          description: `${longFlag(spec)}: ${spec.help}`,
          ...(spec.default !== undefined ? { default: spec.default } : {}),
          ...(choices ? { enum: choices } : {}),
          ...(spec.suggestions ? { examples: spec.suggestions } : {}),
          ...(spec.type === 'string' && !choices ? { minLength: 1 } : {}),
          ...Object.fromEntries(Object.entries({ minimum, exclusiveMinimum, maximum, exclusiveMaximum }).filter(([, v]) => v !== undefined)),
        },
      ];
    }),
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: id,
    title: 'sparse-ternary run configuration',
    description: 'The options of `sparse-ternary compress --config` and of the run.json written beside each run.',
    type: 'object',
    properties: { $schema: { type: 'string', description: 'this schema, for editors' }, ...properties },
    additionalProperties: false,
  };
}
