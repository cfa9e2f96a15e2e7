// `sparse-ternary sweep`: a grid of six tiny runs (tfc on mnist-10k) over two local workers, each a
// real compress run in its own process; a second invocation runs nothing; bad plans run nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './testing/run_cli';

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'st-sweep-cli-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const writePlan = (name: string, plan: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(plan));
  return file;
};

test('six runs over two workers finish, the summary gives each configuration over two seeds, and a second invocation runs nothing', async () => {
  const plan = writePlan('plan.json', { base: { model: 'tfc', data: 'mnist-10k', stage1Epochs: 1, stage3Epochs: 1, validation: 500 }, grid: { targetSparsity: [0.9, 0.95, 0.98] }, seeds: [1, 2] });
  const out = path.join(dir, 'out');
  const first = await runCli(['sweep', plan, '-o', out, '--workers', '2']);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('6 runs on 2 workers, 1 thread each');
  expect(first.stdout).toContain('6 ran, 0 skipped, 0 failed');
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
  expect(summary.runs).toMatchObject({ total: 6, finished: 6, failed: [] });
  expect(summary.groups.map((g: { group: string }) => g.group)).toEqual(['targetSparsity=0.9', 'targetSparsity=0.95', 'targetSparsity=0.98']);
  for (const group of summary.groups) {
    const reports = group.runs.map((run: string) => JSON.parse(readFileSync(path.join(out, 'runs', run, 'report.json'), 'utf8')));
    const accuracies = reports.map((r: { compress: { accuracy: number } }) => r.compress.accuracy);
    expect(group.testAccuracy.n).toBe(2);
    expect(group.testAccuracy.mean).toBeCloseTo((accuracies[0] + accuracies[1]) / 2, 10);
    expect(group.testAccuracy.std).toBeCloseTo(Math.abs(accuracies[0] - accuracies[1]) / Math.SQRT2, 10);
    expect(reports.map((r: { config: { seed: number } }) => r.config.seed).sort()).toEqual([1, 2]);
    expect(group.sparsity.mean).toBeCloseTo(Number(group.group.split('=')[1]), 2);
  }
  expect(summary.chosen.group).toBe(summary.groups.reduce((a: { validationAccuracy: { mean: number } }, b: { validationAccuracy: { mean: number } }) => (b.validationAccuracy.mean > a.validationAccuracy.mean ? b : a)).group);
  expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain(`Chosen on validation accuracy: **${summary.chosen.group}**`);
  // Each run's log has its progress: a line per epoch with its validation accuracy and speed.
  const log = readFileSync(path.join(out, 'runs', summary.groups[0].runs[0], 'sweep.log'), 'utf8');
  expect(log).toMatch(/^stage 1 epoch 1: .*validation accuracy [\d.]+%.* samples\/s, stage ETA/m);
  expect(log).toMatch(/^stage 3 epoch 1: /m);

  const second = await runCli(['sweep', plan, '-o', out, '--workers', '2']);
  expect(second.code).toBe(0);
  expect(second.stdout).toContain('0 ran, 6 skipped, 0 failed');
  const status = await runCli(['sweep', 'status', '-o', out]);
  expect(status.stdout).toContain('6 of 6 done, 0 running, 0 failed, 0 pending');
}, 300_000); // trains six runs: room for a machine shared with other work

test("a plan's pretraining run goes first; its runs start from its float model.onnx", async () => {
  const plan = writePlan('pretrained.json', {
    base: { model: 'tfc', data: 'mnist-10k', stage1Epochs: 1, stage3Epochs: 1 },
    pretrain: { method: 'float', stage1Epochs: 2, stage3Epochs: 0 },
    list: [{ name: 'twn', method: 'twn' }, { name: 'st', targetSparsity: 0.9 }],
  });
  const out = path.join(dir, 'pretrained');
  const { code, stdout } = await runCli(['sweep', plan, '-o', out, '--workers', '2']);
  expect(code).toBe(0);
  expect(stdout).toContain('3 ran, 0 skipped, 0 failed');
  const report = (run: string) => JSON.parse(readFileSync(path.join(out, 'runs', run, 'report.json'), 'utf8'));
  const pretrained = report('pretrain,seed=1');
  // The one pretraining run had both cores.
  expect(pretrained.info.threads).toBe(Math.min(2, os.availableParallelism()));
  for (const run of ['twn,seed=1', 'st,seed=1']) {
    expect(report(run).config.model).toBe(path.join(out, 'runs', 'pretrain,seed=1', 'model.onnx'));
    // The model the run starts from is the pretrained one: its accuracy before compression is the float run's result.
    expect(report(run).accuracyBefore).toBeCloseTo(pretrained.compress.accuracy, 2);
  }
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
  expect(summary.groups.map((g: { group: string }) => g.group)).toEqual(['twn', 'st']);
  expect(summary.pretrain.testAccuracy.mean).toBe(pretrained.compress.accuracy);
}, 300_000);

test.each<[string, unknown, RegExp]>([
  ['an unknown option', { base: { model: 'tfc', lerningRate: 1 } }, /base\.lerningRate: not a run option \(did you mean learningRate\?\)/],
  ['an empty grid', { base: { model: 'tfc' }, grid: { qtr: [] } }, /grid\.qtr: must be a non-empty array/],
  ['a value of the wrong type', { grid: { stage1Epochs: [1, 'two'] } }, /grid\.stage1Epochs\[1\]: option stage1Epochs = "two"/],
])('a plan with %s is refused before anything runs, naming the key', async (_, json, message) => {
  const out = path.join(dir, 'refused');
  const { code, stderr } = await runCli(['sweep', writePlan('bad.json', json), '-o', out]);
  expect(code).toBe(2);
  expect(stderr).toMatch(message);
  expect(existsSync(out)).toBe(false);
}, 60_000);
