// node --test tools/experiments: the activations section from a committed sweep summary, on a
// made-up plan whose rows are checked by hand.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { activationsOf, activationsSection } from './activations_results.mjs';

const stat = (mean, n = 1, std = 0) => ({ mean, std, n });

test('activations by their options', () => {
  assert.deepEqual(
    [{}, { actBits: 2 }, { actBits: 2, actSigned: true }, { actBits: 4, actSigned: true }, { actBits: 1 }].map(activationsOf),
    ['float', '2-bit', 'ternary (signed 2-bit)', 'signed 4-bit', 'binary'],
  );
});

test("a row per configuration, its activations and sparsity from the plan, its numbers from the summary; nothing without a summary", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'activations-section-'));
  try {
    const dir = path.join(root, 'docs/experiments/activations');
    mkdirSync(path.join(dir, 'lfc'), { recursive: true });
    writeFileSync(path.join(dir, 'lfc.json'), JSON.stringify({ title: 'LFC', base: { targetSparsity: 0.95 }, list: [{ name: 'a1', actBits: 1 }, { name: 'a32' }] }));
    assert.deepEqual(activationsSection(root), []);
    const group = (name, test) => ({ group: name, testAccuracy: stat(test, 3, 0.001), validationAccuracy: stat(0.97), deployedKiB: stat(131.06), smallerThanBinary: stat(2.71), smallerThanTernary: stat(5.42) });
    writeFileSync(path.join(dir, 'lfc/summary.json'), JSON.stringify({ groups: [group('a1', 0.9786), group('a32', 0.9873)] }));
    const lines = activationsSection(root);
    assert.equal(lines[0], '## Low-precision activations');
    assert.ok(lines.includes('| a1 | binary | 0.95 | 3 | 97.00% | 97.86% ± 0.10 | 131.1 | 2.7x | 5.4x |'));
    assert.ok(lines.includes('| a32 | float | 0.95 | 3 | 97.00% | 98.73% ± 0.10 | 131.1 | 2.7x | 5.4x |'));
    assert.ok(lines[2].includes('LFC on MNIST, binary weights and 1-bit activations, 98.88%'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
