import { RUN_OPTIONS, type OptionTable } from '@sparse-ternary/retrain';
import { cellFields, cellOptions, cellParams } from '../server/cell_fields';
import { CellError } from '../server/cell_error';
import { checkNotebookFile, checkResult, EVENTS } from './messages';
import { MessageError } from './shapes';

const dataResult = { name: 'mnist-10k', source: 'embedded', train: 8000, test: 2000, validation: 0, imageShape: [28, 28, 1], classes: ['0', '1'], counts: [4000, 4000], samples: [[0, 255]], sampleLabels: [1] };

describe('messages are checked at the boundary', () => {
  test('a result of its cell\'s shape passes, keeping only what is declared', () => {
    expect(checkResult('data', { ...dataResult, extra: '<script>' })).toEqual(dataResult);
  });

  test.each([
    [{ ...dataResult, train: '8000' }, 'results.data.train: expected a number, got "8000"'],
    [{ ...dataResult, classes: ['0', 1] }, 'results.data.classes[1]: expected a string, got number'],
    [{ ...dataResult, samples: undefined }, 'results.data.samples: expected an array, got undefined'],
    [[], 'results.data: expected an object, got an array'],
  ])('a malformed data result is refused naming the path (%#)', (value, message) => {
    expect(() => checkResult('data', value)).toThrow(new MessageError(message));
  });

  test('events: a batch of an unknown cell, or a non-finite loss, is refused', () => {
    const batch = { cell: 'stage1', epoch: 0, epochs: 1, batch: 1, batches: 2, loss: 0.5, samplesPerSecond: 100 };
    expect(EVENTS.batch.check(batch, 'event')).toEqual(batch);
    expect(() => EVENTS.batch.check({ ...batch, cell: 'stage9' }, 'event')).toThrow(/event\.cell: expected one of "data", "model", "stage1"/);
    expect(() => EVENTS.batch.check({ ...batch, loss: null }, 'event')).toThrow('event.loss: expected a number, got null');
  });

  test('a saved notebook: known cells, plain parameters, each result of its cell\'s shape', () => {
    expect(checkNotebookFile({ version: 1, params: { data: { data: 'mnist' } }, results: { data: dataResult } }).results.data).toEqual(dataResult);
    expect(() => checkNotebookFile({ version: 1, params: { nope: {} } })).toThrow("params: no cell 'nope'");
    expect(() => checkNotebookFile({ version: 2 })).toThrow('notebook.version: expected one of 1, got number');
    expect(() => checkNotebookFile({ version: 1, results: { data: { ...dataResult, counts: 'x' } } })).toThrow('results.data.counts: expected an array');
  });
});

describe("the cells' fields come from the run options' declaration", () => {
  test('every option of a cell\'s groups that this method uses, with its default, choices and suggestions', () => {
    const fields = cellFields();
    expect(fields.data.map((f) => f.name)).toEqual(['data', 'inputSize', 'scale', 'mean', 'std', 'validation', 'validationSeed', 'tta']);
    expect(fields.model.map((f) => f.name)).toEqual(['model', 'width', 'replaceHead', 'restoreBatchNorm', 'actBits', 'actSigned', 'actRange', 'actClip', 'seed']);
    // A number option with choices is a select of their texts.
    expect(fields.model.find((f) => f.name === 'actBits')).toMatchObject({ kind: 'select', value: 32, choices: ['32', '8', '4', '2', '1'] });
    expect(fields.stage1.map((f) => f.name)).toEqual(['batchSize', 'learningRate', 'lrSchedule', 'warmupEpochs', 'optimizer', 'weightDecay', 'labelSmoothing', 'distill', 'distillTemperature', 'distillWeight', 'keep', 'patience', 'l2', 'augment', 'stage0Epochs', 'stage1Epochs', 'qtr', 'qtrLambda', 't', 'targetSparsity', 'hardwareCost', 'ternaryScale']);
    // prune-then-quantize's magnitude pruning sparsity is not this method's
    expect(fields.prune).toEqual([]);
    expect(fields.stage3.map((f) => f.name)).toEqual(['stage3Epochs']);
    expect(fields.stage1.find((f) => f.name === 'targetSparsity')).toMatchObject({ kind: 'number', value: RUN_OPTIONS.targetSparsity.default, optional: true, label: 'target sparsity' });
    expect(fields.stage1.find((f) => f.name === 'optimizer')).toMatchObject({ kind: 'select', value: 'adam', choices: ['adam', 'sgd', 'momentum', 'nesterov'] });
    expect(fields.model.find((f) => f.name === 'restoreBatchNorm')).toMatchObject({ kind: 'checkbox', value: true });
    expect(fields.model.find((f) => f.name === 'model')!.suggestions).toContain('lfc');
    expect(fields.sweep.find((f) => f.name === 'option')!.choices).toEqual(expect.arrayContaining(['targetSparsity', 'qtrLambda', 'learningRate', 'stage1Epochs']));
  });

  test('an option added to the declaration shows up in its cell', () => {
    const table = { ...RUN_OPTIONS, mixup: { flag: '--mixup <alpha>', type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, group: 'training', help: 'mixup' } } as const satisfies OptionTable;
    expect(cellOptions(table, 'stage1')).toContain('mixup');
    expect(cellFields(table).stage1.find((f) => f.name === 'mixup')).toEqual({ name: 'mixup', label: 'mixup', help: 'mixup', kind: 'number', value: 0, optional: false });
  });

  test("a cell's parameters are parsed by the declaration: unknown fields and bad values are the cell's 400", () => {
    expect(cellParams('stage1', { stage1Epochs: '3', augment: true, targetSparsity: '' })).toEqual({ stage1Epochs: 3, augment: true, targetSparsity: undefined });
    expect(() => cellParams('stage1', { epochs: 3 })).toThrow(new CellError('the stage1 cell has no field epochs (its fields: batchSize, learningRate, lrSchedule, warmupEpochs, optimizer, weightDecay, labelSmoothing, distill, distillTemperature, distillWeight, keep, patience, l2, augment, stage0Epochs, stage1Epochs, qtr, qtrLambda, t, targetSparsity, hardwareCost, ternaryScale)'));
    expect(() => cellParams('stage1', { batchSize: '0' })).toThrow('batchSize = "0": expected a positive integer');
    expect(() => cellParams('stage1', { batchSize: '' })).toThrow('batchSize = "": expected a positive integer');
  });
});
