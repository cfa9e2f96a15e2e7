import { DEFAULT_CONFIG } from '@sparse-ternary/retrain';
import { PlanError } from './errors';
import { parsePlan } from './plan';
import { configHash, expandPlan, resolvedRun } from './runs';

const plan = (json: unknown, file = 'plan.json') => parsePlan(JSON.stringify(json), file);

describe('bad plans are refused whole, naming the key', () => {
  test.each<[string, unknown, string]>([
    ['an unknown plan key', { base: {}, grids: {} }, 'plan.json: grids: unknown plan key'],
    ['an unknown run option in base', { base: { model: 'tfc', lamda: 1 } }, 'plan.json: base.lamda: not a run option'],
    ['an unknown run option in the grid', { grid: { stage1Epoch: [1] } }, 'plan.json: grid.stage1Epoch[0]: not a run option'],
    ['an empty grid dimension', { grid: { qtr: [] } }, 'plan.json: grid.qtr: must be a non-empty array'],
    ['a value of the wrong type', { grid: { targetSparsity: [0.9, 'high'] } }, 'plan.json: grid.targetSparsity[1]: option targetSparsity = "high"'],
    ['a value out of range', { base: { stage1Epochs: -1 } }, 'plan.json: base.stage1Epochs: option stage1Epochs = -1'],
    ['a choice not offered', { list: [{ qtr: 'costly' }] }, 'plan.json: list[0].qtr: option qtr = "costly"'],
    ['a seed in the base', { base: { seed: 3 } }, 'plan.json: base.seed: the sweep sets seed for each run'],
    ['an output folder in the base', { base: { out: 'x' } }, 'plan.json: base.out: the sweep sets out'],
    ['seeds that are not integers', { seeds: [1, 2.5] }, 'plan.json: seeds: must be a non-empty array of integers'],
    ['a seed twice', { seeds: [1, 1] }, 'plan.json: seeds: has a seed twice'],
    ['an empty list', { list: [] }, 'plan.json: list: must be a non-empty array'],
    ['a list name with a slash', { list: [{ name: 'a/b', method: 'twn' }] }, 'plan.json: list[0].name: must be a name'],
    ['a list entry named as the pretraining runs', { list: [{ name: 'pretrain', method: 'float' }] }, "plan.json: list[0].name: pretrain is the pretraining runs' name"],
    ['a list name twice', { list: [{ name: 'a', method: 'twn' }, { name: 'a', method: 'binary' }] }, 'plan.json: list: names an entry twice'],
    ['an unknown option in the pretraining run', { pretrain: { method: 'float', epochs: 8 } }, 'plan.json: pretrain.epochs: not a run option'],
    ['a title that is not text', { title: 3 }, 'plan.json: title: must be a string'],
  ])('%s', (_, json, message) => {
    expect(() => plan(json)).toThrow(PlanError);
    expect(() => plan(json)).toThrow(message);
  });

  test('text that is not JSON or YAML', () => {
    expect(() => parsePlan('{ "base": ', 'p.json')).toThrow(/^p\.json: not JSON/);
    expect(() => parsePlan('base: [', 'p.yaml')).toThrow(/^p\.yaml: not YAML/);
  });
});

test("the issue's plan: every seed of every grid combination, named by what varies, base and defaults filled in", () => {
  const runs = expandPlan(plan({ base: { model: 'tfc', data: 'mnist-10k', stage1Epochs: 1 }, grid: { targetSparsity: [0.9, 0.95], qtr: ['none', 'cost'] }, seeds: [1, 2, 3] }));
  expect(runs).toHaveLength(12);
  expect(new Set(runs.map((r) => r.name)).size).toBe(12);
  expect(new Set(runs.map((r) => r.group)).size).toBe(4);
  const run = runs.find((r) => r.name === 'targetSparsity=0.95,qtr=cost,seed=2')!;
  expect(run.group).toBe('targetSparsity=0.95,qtr=cost');
  expect(run.config).toMatchObject({ model: 'tfc', data: 'mnist-10k', stage1Epochs: 1, targetSparsity: 0.95, qtr: 'cost', seed: 2, stage3Epochs: DEFAULT_CONFIG.stage3Epochs });
});

test('YAML plans; a list crossed with the grid', () => {
  const runs = expandPlan(parsePlan('base:\n  model: tfc\nlist:\n  - method: twn\n  - method: sparse-ternary\ngrid:\n  stage1Epochs: [1, 2]\nseeds: [4]\n', 'p.yaml'));
  expect(runs.map((r) => [r.name, r.config.method, r.config.stage1Epochs])).toEqual([
    ['method=twn,stage1Epochs=1,seed=4', 'twn', 1],
    ['method=twn,stage1Epochs=2,seed=4', 'twn', 2],
    ['method=sparse-ternary,stage1Epochs=1,seed=4', 'sparse-ternary', 1],
    ['method=sparse-ternary,stage1Epochs=2,seed=4', 'sparse-ternary', 2],
  ]);
  // Entries that would read the same are told apart by their place.
  expect(expandPlan(plan({ list: [{ learningRate: 0.001 }, { learningRate: 1e-3, stage1Epochs: 4 }, { learningRate: 0.001 }] })).map((r) => r.name)).toEqual(['list=0,seed=1', 'list=1,seed=1', 'list=2,seed=1']);
});

test("a run's hash is what it trains: not where it writes, its threads or backend", () => {
  const [run] = expandPlan(plan({ base: { model: 'tfc' } }));
  expect(configHash({ ...run.config, out: 'elsewhere', threads: 1, backend: 'cpu' })).toBe(run.hash);
  expect(configHash({ ...run.config, stage1Epochs: run.config.stage1Epochs + 1 })).not.toBe(run.hash);
});

test('named list entries; a pretraining run per seed that the runs start from unless they name their own model', () => {
  const json = {
    title: 'LFC from a float model',
    base: { model: 'tfc', data: 'mnist-10k' },
    pretrain: { method: 'float', stage1Epochs: 3, stage3Epochs: 0 },
    list: [{ name: 'twn', method: 'twn' }, { name: 'scratch', model: 'tfc', method: 'binary' }],
    seeds: [1, 2],
  };
  const runs = expandPlan(plan(json));
  expect(plan(json).title).toBe('LFC from a float model');
  expect(runs.map((r) => [r.name, r.group, r.needs])).toEqual([
    ['pretrain,seed=1', 'pretrain', undefined],
    ['pretrain,seed=2', 'pretrain', undefined],
    ['twn,seed=1', 'twn', 'pretrain,seed=1'],
    ['twn,seed=2', 'twn', 'pretrain,seed=2'],
    ['scratch,seed=1', 'scratch', undefined],
    ['scratch,seed=2', 'scratch', undefined],
  ]);
  expect(runs[0].config).toMatchObject({ model: 'tfc', method: 'float', stage1Epochs: 3, stage3Epochs: 0, seed: 1 });
  expect(runs[2].config).toMatchObject({ method: 'twn', seed: 1, stage1Epochs: DEFAULT_CONFIG.stage1Epochs });
  expect(resolvedRun('/mnt/sweep', runs[2]).config.model).toBe('/mnt/sweep/runs/pretrain,seed=1/model.onnx');
  expect(resolvedRun('/mnt/sweep', runs[4]).config.model).toBe('tfc');
  // Pretraining differently makes every run that starts from it another run; the rest stay.
  const longer = expandPlan(plan({ ...json, pretrain: { ...json.pretrain, stage1Epochs: 4 } }));
  expect(longer.map((r, i) => r.hash === runs[i].hash)).toEqual([false, false, false, false, true, true]);
});
