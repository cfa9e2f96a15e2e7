// node --test tools/experiments: the results page's choice rules on hand-made rows.
import assert from 'node:assert/strict';
import test from 'node:test';
import { checkTarget, chosen, tallyWins } from './analysis.mjs';

const row = (name, group, sparsity, validation, test, memoryBits = 1000) => ({ name, group, sparsity, validation, test, memoryBits, binaryBits: 6000, ternaryBits: 12000 });

test('chosen takes the best validation accuracy at or above the sparsity, not the best test accuracy', () => {
  const rows = [row('a', 'st-cost', 0.96, 0.97, 0.99), row('b', 'st-cost', 0.95, 0.98, 0.95), row('c', 'st-cost', 0.9, 0.99, 0.99)];
  assert.equal(chosen(rows, 0.95).name, 'b');
  assert.equal(chosen(rows, 0.9).name, 'c');
  assert.equal(chosen(rows, 0.97), undefined);
  // a run pruned to exactly 98% reports a float32 hair below it
  assert.equal(chosen([row('s', 'st-none', 0.97999978, 0.9, 0.9)], 0.98).name, 's');
  assert.equal(chosen([row('s', 'st-none', 0.9798, 0.9, 0.9)], 0.98), undefined);
});

test('checkTarget measures the chosen run against TWN in points, and the memory ratios', () => {
  const rows = [row('twn', 'twn', 0.5, 0.98, 0.98), row('cost', 'st-cost', 0.98, 0.975, 0.97, 1000), row('ptq', 'ptq', 0.99, 0.99, 0.99)];
  const result = checkTarget(rows, { sparsity: 0.98, gap: 1.5, memory: { binary: 5, ternary: 10 } });
  assert.equal(result.run.name, 'cost');
  assert.ok(Math.abs(result.gap - 1) < 1e-9);
  assert.deepEqual(result.ratios, { binary: 6, ternary: 12 });
  assert.equal(result.met, true);
  assert.equal(checkTarget(rows, { sparsity: 0.98, gap: 0.5 }).met, false);
  assert.equal(checkTarget(rows, { sparsity: 0.98, gap: 1.5, memory: { binary: 7, ternary: 10 } }).met, false);
  assert.equal(checkTarget(rows, { sparsity: 0.99, gap: 1.5 }).met, false);
});

test('tallyWins counts, per plan and contested level, the group with the best chosen validation accuracy', () => {
  const plans = [
    { name: 'p', rows: [row('c1', 'st-cost', 0.95, 0.97, 0.9), row('n1', 'st-none', 0.96, 0.96, 0.99), row('c2', 'st-cost', 0.9, 0.9, 0.9), row('n2', 'st-none', 0.91, 0.95, 0.9)] },
  ];
  const { wins, ties, cells } = tallyWins(plans, ['st-cost', 'st-none'], [0.9, 0.95, 0.96]);
  // 0.95 compares the same runs as 0.9 (counted once); at 0.96 only st-none has a run (no contest)
  assert.deepEqual(wins, { 'st-cost': 1, 'st-none': 0 });
  assert.equal(ties, 0);
  assert.deepEqual(cells.map((c) => [c.level, c.group, c.run.name]), [[0.9, 'st-cost', 'c1']]);
  assert.ok(Math.abs(cells[0].margin - 0.01) < 1e-9);
});

test('tallyWins gives an exact tie to nobody', () => {
  const plans = [{ name: 'p', rows: [row('c', 'st-cost', 0.9, 0.98, 0.9), row('n', 'st-none', 0.9, 0.98, 0.99)] }];
  const { wins, ties, cells } = tallyWins(plans, ['st-cost', 'st-none'], [0.9]);
  assert.deepEqual(wins, { 'st-cost': 0, 'st-none': 0 });
  assert.equal(ties, 1);
  assert.equal(cells[0].margin, 0);
});
