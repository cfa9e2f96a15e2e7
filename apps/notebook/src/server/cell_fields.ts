// The cells' form fields, generated from the run options' declaration (RUN_OPTIONS): each cell
// shows the option groups of its step, and its parameters are parsed by the same declaration the
// CLI's flags and config files use.
import { longFlag, parseValue, RUN_OPTIONS, STAGES, type OptionGroup, type OptionSpec, type OptionTable, type RunConfig } from '@sparse-ternary/retrain';
import { CELLS, type CellName } from '../protocol/cells';
import type { Field } from '../protocol/messages';
import { CellError } from './cell_error';

/** The option groups each cell shows; the notebook runs this method's stages. */
const CELL_GROUPS: Partial<Record<CellName, readonly OptionGroup[]>> = {
  data: ['data'],
  model: ['model'],
  [STAGES.stage1.id]: ['training', 'stage0', 'stage1'],
  [STAGES.prune.id]: ['prune'],
  [STAGES.stage3.id]: ['stage3'],
};
const NOTEBOOK_METHOD = 'sparse-ternary';

/** Whether a configuration may leave the option unset (no default, or a clearable one). */
const mayBeUnset = (spec: OptionSpec) => spec.default === undefined || spec.clearable === true;

/** The options a cell shows: its groups' options that this method uses. */
export function cellOptions(table: OptionTable, cell: CellName): string[] {
  const groups = CELL_GROUPS[cell] ?? [];
  return Object.entries(table)
    .filter(([, spec]) => groups.includes(spec.group) && (!spec.methods || spec.methods.includes(NOTEBOOK_METHOD)))
    .map(([name]) => name);
}

/** Every cell's fields, from a table of options (the run options; a test adds one). */
export function cellFields(table: OptionTable = RUN_OPTIONS): Record<CellName, Field[]> {
  const fields = (cell: CellName): Field[] =>
    cellOptions(table, cell).map((name) => {
      const spec = table[name];
      return {
        name,
        label: longFlag(spec).slice(2).replace(/-/g, ' '),
        help: spec.help,
        kind: spec.type === 'boolean' ? 'checkbox' : spec.choices ? 'select' : spec.type === 'string' ? 'text' : 'number',
        value: spec.default ?? '',
        ...(spec.choices ? { choices: spec.choices.map(String) } : {}),
        ...(spec.suggestions ? { suggestions: [...spec.suggestions] } : {}),
        optional: mayBeUnset(spec),
      };
    });
  return Object.fromEntries(CELLS.map((cell) => [cell, cell === 'sweep' ? sweepFields(table) : fields(cell)])) as Record<CellName, Field[]>;
}

/** The options a sweep can vary: the numbers of the training cells. */
export const sweepOptions = (table: OptionTable = RUN_OPTIONS): string[] =>
  [STAGES.stage1.id, STAGES.prune.id, STAGES.stage3.id].flatMap((cell) => cellOptions(table, cell)).filter((name) => ['number', 'integer'].includes(table[name].type));

const sweepFields = (table: OptionTable): Field[] => [
  { name: 'option', label: 'option', help: 'the option each run varies', kind: 'select', value: 'targetSparsity', choices: sweepOptions(table), optional: false },
  { name: 'values', label: 'values', help: 'its values, comma-separated: one whole compression each', kind: 'text', value: '0.9, 0.95', optional: false },
];

/**
 * A cell's parameters as options: each field the body gives, parsed by its declaration. An empty
 * value unsets an option that may be unset; an unknown field or a bad value throws, naming it.
 */
export function cellParams(cell: CellName, body: Record<string, unknown>): Partial<RunConfig> {
  const names = cellOptions(RUN_OPTIONS, cell);
  const unknown = Object.keys(body).filter((key) => !names.includes(key));
  if (unknown.length) throw new CellError(`the ${cell} cell has no field ${unknown.join(', ')} (its fields: ${names.join(', ') || 'none'})`);
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const spec = RUN_OPTIONS[name as keyof typeof RUN_OPTIONS] as OptionTable[string];
    if (value === '' && mayBeUnset(spec)) {
      params[name] = undefined;
      continue;
    }
    try {
      params[name] = parseValue(spec, value);
    } catch (error) {
      throw new CellError(`${name} = ${JSON.stringify(value)}: ${(error as Error).message}`);
    }
  }
  return params as Partial<RunConfig>;
}
