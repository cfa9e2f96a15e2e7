// What the notebook's server and page say to each other, declared once: the server builds its
// answers and events against these types, and the page checks every answer, event and opened
// notebook.json against them before reading it (a malformed one is refused, naming the path).
import { CELLS, type CellName } from './cells';
import { anyObject, array, boolean, literal, nullable, number, object, optional, plain, record, string, type Infer, type Shape } from './shapes';

/** A form field of a cell, generated from an option's declaration. */
export const FieldShape = object({
  name: string,
  label: string,
  help: string,
  kind: literal('number', 'text', 'select', 'checkbox'),
  value: plain,
  choices: optional(array(string)),
  suggestions: optional(array(string)),
  /** May be left empty (the option is then unset). */
  optional: boolean,
});
export type Field = Infer<typeof FieldShape>;

const cellName: Shape<CellName> = literal(...CELLS);
/** Each cell's fields. */
export const FieldsShape = record(array(FieldShape));

const histogram = object({ name: string, min: number, max: number, counts: array(number) });
const epoch = object({
  stage: string,
  epoch: number,
  loss: number,
  penalty: number,
  quantizedAccuracy: optional(number),
  floatAccuracy: optional(number),
  sparsity: number,
  seconds: number,
});
const layerSparsity = object({ name: string, sparsity: number });

export const CELL_RESULTS = {
  data: object({
    name: string,
    source: string,
    train: number,
    test: number,
    validation: number,
    imageShape: array(number),
    classes: array(string),
    counts: array(number),
    samples: array(array(number)),
    sampleLabels: array(number),
  }),
  model: object({
    name: string,
    input: array(nullable(number)),
    parameters: number,
    layers: array(object({ name: string, type: string, output: string, parameters: number })),
    accuracyBefore: number,
    restoredBatchNorm: number,
  }),
  stage1: object({ history: array(epoch), histograms: object({ beforeStage1: array(histogram), afterStage1: array(histogram) }), final: optional(epoch) }),
  prune: object({ layers: array(object({ name: string, sparsity: number, size: number })), thresholds: array(object({ name: string, delta: number })), before: array(histogram), after: array(histogram) }),
  stage3: object({
    history: array(epoch),
    accuracy: number,
    floatAccuracy: optional(number),
    validationAccuracy: optional(number),
    sparsity: number,
    layers: array(object({ name: string, sparsity: number, alpha: number, delta: number })),
  }),
  cost: object({
    layers: array(object({ name: string, kind: string, rows: number, cols: number, sparsity: number, memory: object({ sparseTernary: object({ bits: number, encoding: string }) }) })),
    memory: object({ float32: number, binary: number, ternary: number, sparseTernary: number }),
    ratios: object({ binary: number, ternary: number }),
    fpga: record(object({ framesPerSecond: number, luts: number, bram36: number, fits: boolean, fit: string })),
  }),
  export: object({ files: array(string), sparsity: number, sampleInput: array(number), sampleClasses: array(number) }),
  sweep: object({ option: string, points: array(object({ value: number, accuracy: number, sparsity: number, kiB: number })) }),
} satisfies Record<CellName, Shape<unknown>>;

export type CellResults = { [C in CellName]: Infer<(typeof CELL_RESULTS)[C]> };

/** A training cell's answer: it runs in the background and ends with a cell-done or cell-error event. */
export const StartedShape = object({ started: literal(true) });
export const StatusShape = object({ running: boolean, backend: string });
export const StoppedShape = object({ stopped: boolean });
export const ErrorShape = object({ error: string });

/** A cell's parameters: plain values by field name. */
const params = record(plain);

/** The server's state, and a saved notebook.json: per cell, its parameters and its last result. */
export const StateShape = object({
  version: literal(1),
  params: optional(record(params)),
  results: optional(record(anyObject)),
});

/** The events the server streams, by name. */
export const EVENTS = {
  batch: object({ cell: cellName, epoch: number, epochs: number, batch: number, batches: number, loss: number, samplesPerSecond: number }),
  epoch: object({ cell: cellName, ...epoch.fields, layerSparsity: array(layerSparsity), histograms: array(histogram) }),
  'cell-done': object({ cell: cellName, result: anyObject }),
  'cell-error': object({ cell: cellName, error: string }),
  'sweep-point': object({ value: number, accuracy: number, sparsity: number, kiB: number }),
  invalidated: object({ after: cellName }),
};
export type EventName = keyof typeof EVENTS;
export type Events = { [E in EventName]: Infer<(typeof EVENTS)[E]> };

/** A cell's result checked against its cell's shape. */
export const checkResult = <C extends CellName>(cell: C, value: unknown, path = `results.${cell}`): CellResults[C] => CELL_RESULTS[cell].check(value, path) as CellResults[C];

/** A saved notebook: known cells only, plain parameters, every result of its cell's shape. */
export function checkNotebookFile(value: unknown): Infer<typeof StateShape> & { results: Partial<CellResults> } {
  const state = StateShape.check(value, 'notebook');
  for (const section of ['params', 'results'] as const) {
    for (const cell of Object.keys(state[section] ?? {})) {
      if (!(CELLS as readonly string[]).includes(cell)) throw new Error(`${section}: no cell '${cell}'`);
    }
  }
  const results = Object.fromEntries(Object.entries(state.results ?? {}).map(([cell, result]) => [cell, checkResult(cell as CellName, result)]));
  return { ...state, results };
}
