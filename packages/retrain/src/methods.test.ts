import { twnQuantizer } from '@sparse-ternary/quantize-prune';
import { l1, l2, qtrCost, qtrDeadzone } from '@sparse-ternary/regularizers';
import { METHOD_PLANS, METHODS } from './methods';

test('each method is one entry: its stage-1 quantizer, its pruner (if it prunes), its deployed quantizer, whether stage 1 sparsifies', () => {
  const ternary = twnQuantizer(0.7);
  const described = METHODS.map((m) => {
    const plan = METHOD_PLANS[m];
    return [m, plan.stage1(ternary).name, plan.pruner?.(ternary, 0.9).name ?? '-', plan.deployed(ternary).name, plan.sparsifies];
  });
  expect(described).toEqual([
    ['float', 'float', '-', 'float', false],
    ['binary', 'binary', '-', 'binary', false],
    ['twn', 'twn(t=0.7)', '-', 'twn(t=0.7)', false],
    ['sparse-ternary', 'twn(t=0.7)', 'twn(t=0.7)', 'twn(t=0.7)', true],
    ['prune-then-quantize', 'float', 'ternary(sparsity=0.9)', 'twn(t=0.7)', false],
  ]);
});

test('the regularizers say whether they sparsify (the QTR family), not their names', () => {
  expect([l2(1), l1(1), qtrCost(1), qtrDeadzone(1)].map((r) => [r.name, r.sparsifying])).toEqual([
    ['l2', false],
    ['l1', false],
    ['qtr-cost', true],
    ['qtr-deadzone', true],
  ]);
});
