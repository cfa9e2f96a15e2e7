// The run options as command-line flags, generated from their one declaration (RUN_OPTIONS in
// @sparse-ternary/retrain): flags, help, parsing and checks; then a --config JSON file under the
// flags, over the defaults.
import type { BackendChoice } from '@sparse-ternary/engine';
import { configFromJson, configJsonSchema, longFlag, mergeConfig, parseValue, RUN_OPTIONS, type OptionSpec, type RunConfig, type RunOptionName, type ValueSpec } from '@sparse-ternary/retrain';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError } from './errors';
import { CLI_VERSION } from './version';

/** Where editors find the JSON Schema of config files and run.json (the copy the CLI package ships). */
export const CONFIG_SCHEMA_URL = `https://unpkg.com/@sparse-ternary/cli@${CLI_VERSION}/config.schema.json`;

/** The JSON Schema the CLI ships as config.schema.json. */
export const configSchema = () => configJsonSchema(RUN_OPTIONS, CONFIG_SCHEMA_URL);

/** The long flag of an option, for messages. */
export const flagOf = (name: RunOptionName): string => longFlag(RUN_OPTIONS[name]);

/** The flag that turns a switch off: --no-restore-batch-norm. */
const negation = (spec: OptionSpec): string => `--no-${longFlag(spec).slice(2)}`;
export const negationOf = (name: RunOptionName): string => negation(RUN_OPTIONS[name]);

/** What the help adds to an option's text: its choices, its default, the methods it is for. */
const helpNote = (spec: OptionSpec): string => {
  const parts = [
    ...(spec.choices ? [`one of ${spec.choices.join(', ')}`] : []),
    ...(spec.type === 'boolean' ? (spec.default ? ['default'] : []) : spec.default !== undefined ? [`default ${spec.default}`] : []),
    ...(spec.methods ? [`for ${spec.methods.join(', ')}`] : []),
  ];
  return parts.length ? ` (${parts.join('; ')})` : '';
};

/** A commander parser of a value: the declaration's checks, commander's error. */
export const valueParser = (spec: ValueSpec) => (value: string) => {
  try {
    return parseValue(spec, value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

/**
 * The commander options of one declared option: its flag (and --no- flag for a switch that
 * defaults to on), help with the default, and the declaration's parsing. No commander default: a
 * config file fills what the flags leave unset.
 */
export function commanderOptions(spec: OptionSpec): Option[] {
  const option = new Option(spec.flag, `${spec.help}${helpNote(spec)}`);
  if (spec.type !== 'boolean') option.argParser(valueParser(spec));
  return spec.negation ? [option, new Option(negation(spec), spec.negation)] : [option];
}

/** Adds the named options (default: every one but the backend, a global flag) to a command. */
export function addRunOptions(command: Command, names = (Object.keys(RUN_OPTIONS) as RunOptionName[]).filter((name) => name !== 'backend')): Command {
  for (const name of names) for (const option of commanderOptions(RUN_OPTIONS[name])) command.addOption(option);
  return command;
}

/** The options the command's flags set, by option name. */
export function configFromFlags(command: Command): Partial<RunConfig> {
  const flags = command.opts();
  const entries = Object.entries(RUN_OPTIONS).map(([name, spec]) => [name, flags[new Option(spec.flag).attributeName()]]);
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** The defaults under the command's flags (a command without --config). */
export const flagsOverDefaults = (command: Command): RunConfig => mergeConfig(configFromFlags(command));

/** A config file or run.json: a JSON object of declared options, each checked. */
export function readConfigFile(file: string): Partial<RunConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read config file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${file} is not JSON: ${(error as Error).message}`);
  }
  return configFromJson(RUN_OPTIONS, parsed, `config file ${file}`);
}

/** Defaults, then --config, then the flags; the backend is the global flag's. */
export function resolveConfig(command: Command, backend: BackendChoice | undefined): RunConfig {
  const config = command.opts().config as string | undefined;
  return mergeConfig(config ? readConfigFile(config) : {}, configFromFlags(command), { backend });
}

/** run.json: the resolved configuration, naming its schema for editors. */
export const runConfigJson = (config: RunConfig): string => `${JSON.stringify({ $schema: CONFIG_SCHEMA_URL, ...config }, null, 2)}\n`;
