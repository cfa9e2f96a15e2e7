// node --test tools/experiments: the CIFAR-10 section from committed sweep summaries, on a made-up
// net whose numbers are checked by hand against the targets.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { cifarSection } from './cifar10_results.mjs';

const stat = (mean, n = 1, std = 0) => ({ mean, std, n });
const group = (name, test, validation, extra = {}) => ({
  group: name,
  runs: [],
  testAccuracy: stat(test, extra.n ?? 1, extra.std ?? 0),
  validationAccuracy: stat(validation, extra.n ?? 1),
  sparsity: stat(extra.sparsity ?? 0),
  deployedKiB: stat(extra.kib ?? 10),
  smallerThanBinary: stat(extra.binary ?? 1),
  smallerThanTernary: stat(extra.ternary ?? 2),
  seconds: stat(600, extra.n ?? 1),
});

test('the section: every plan\'s groups in one table, the targets checked against the float model and TWN, the plot and the plans\' times', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cifar-section-'));
  try {
    const net = path.join(root, 'docs/experiments/cifar10/resnet20');
    const write = (file, json) => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(json));
    };
    write(path.join(root, 'tools/experiments/cifar10/models/resnet20-pytorch.json'), { torch: '1.13', recipe: { epochs: 50 }, trainSeconds: 3 * 3600, validationAccuracy: 0.91, testAccuracy: 0.912 });
    write(path.join(net, 'rows.json'), { base: { targetSparsity: 0.95 }, list: [{ name: 'float', method: 'float', stage1Epochs: 0 }, { name: 'st90', targetSparsity: 0.9 }, { name: 'st90-cost', targetSparsity: 0.9, qtr: 'cost', qtrLambda: 2e-5 }] });
    write(path.join(net, 'rows/summary.json'), {
      runs: { total: 3, finished: 3 },
      groups: [group('float', 0.912, 0.91), group('st90', 0.9, 0.899, { sparsity: 0.9, kib: 5 }), group('st90-cost', 0.895, 0.901, { sparsity: 0.9, kib: 4 })],
      chosen: { group: 'st90-cost' },
    });
    write(path.join(net, 'rows/wall.json'), { seconds: 7200, workers: 2, threads: 1 });
    write(path.join(net, 'seeds.json'), { base: {}, list: [{ name: 'twn', method: 'twn' }, { name: 'st95', targetSparsity: 0.95 }] });
    write(path.join(net, 'seeds/summary.json'), { runs: { total: 6, finished: 6 }, groups: [group('twn', 0.905, 0.9, { n: 3, std: 0.001 }), group('st95', 0.89, 0.888, { n: 3, sparsity: 0.95, kib: 3 })], chosen: { group: 'twn' } });
    const results = path.join(root, 'results');
    mkdirSync(results);
    const lines = cifarSection(root, results);
    const text = lines.join('\n');
    // Float first, then binary and TWN (none here but TWN), then sparse ternary by target.
    const order = lines.filter((l) => / \| (rows|seeds) \| \d+ \| /.test(l)).map((l) => l.split(' | ')[0]);
    assert.deepEqual(order, ['| float (the PyTorch model imported, evaluated) (float)', '| dense ternary (TWN) (twn)', '| sparse ternary 90%, no QTR (st90)', '| sparse ternary 90%, QTR cost 0.00002 (st90-cost)', '| sparse ternary 95%, no QTR (st95)']);
    assert.match(text, /\| dense ternary \(TWN\) \(twn\) \| seeds \| 3 \| 90\.00 ± 0\.00 \| 90\.50 ± 0\.10 \|/);
    // TWN 0.7 pt below the float model: met; at 90% the validation choice is st90-cost (90.1%), 1.0 pt below TWN: not within 0.5.
    assert.match(text, /\| TWN within 1 pt of the float model \| twn: 90\.50 ± 0\.10% against 91\.20% \(0\.70 pt below\) \| yes \|/);
    assert.match(text, /\| sparse ternary at 90% within 0\.5 pt of TWN or above \| st90-cost: 89\.50% against 90\.50 ± 0\.10% \(1\.00 pt below\) \| \*\*no\*\* \|/);
    assert.match(text, /\| sparse ternary at 95% within 1\.5 pt of TWN \| st95: 89\.00 ± 0\.00% against 90\.50 ± 0\.10% \(1\.50 pt below\) \| yes \|/);
    assert.match(text, /\| PyTorch float >= 91\.0% \| 91\.20% \| yes \|/);
    assert.match(text, /\| rows \| 3 of 3 \| 2\.0 h \(2 workers of 1 thread\) \| 0\.5 h \|/);
    assert.ok(existsSync(path.join(results, 'cifar10-resnet20-pareto.svg')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
