// The runner with a stand-in for the CLI's child processes: each "run" writes the report.json a
// compress run would, after a short wait.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePlan } from './plan';
import { readSweepRecord, readRunState } from './run_state';
import { expandPlan, type SweepRun } from './runs';
import { runSweep, type ExecuteRun } from './run_sweep';
import { paretoSvg, summarize, summaryMarkdown } from './summary';
import { paretoFront } from './svg_charts';

let out: string;
beforeEach(() => (out = mkdtempSync(path.join(os.tmpdir(), 'st-sweep-'))));
afterEach(() => rmSync(out, { recursive: true, force: true }));

const plan = (retries = 2) => parsePlan(JSON.stringify({ base: { model: 'tfc', validation: 100 }, grid: { targetSparsity: [0.9, 0.95], qtr: ['none', 'cost'] }, seeds: [1, 2], retries }), 'plan.json');

/** Accuracy made up from the configuration, so that the summary's statistics can be computed by hand. */
const accuracyOf = (run: SweepRun) => 0.5 + (run.config.targetSparsity === 0.9 ? 0.2 : 0) + (run.config.qtr === 'cost' ? 0.1 : 0) + run.config.seed / 100;

function fakeCompress(calls: { run: string; resume: boolean; threads: number }[], failing = new Map<string, number>()): ExecuteRun & { peak: number } {
  let running = 0;
  const execute = (async (run, dir, { resume, threads }) => {
    calls.push({ run: run.name, resume, threads });
    execute.peak = Math.max(execute.peak, ++running);
    await new Promise((resolve) => setTimeout(resolve, 20));
    running--;
    const failures = failing.get(run.name) ?? 0;
    if (failures > 0) {
      failing.set(run.name, failures - 1);
      return 'exit 1: out of memory';
    }
    const accuracy = accuracyOf(run);
    const hardware = { memory: { deployed: 8 * 1024 * 10 }, ratios: { binary: 2 + run.config.seed, ternary: 4 } };
    const report = { seconds: 2, validation: { accuracy: accuracy - 0.01 }, tta: { method: 'flip', accuracy: accuracy + 0.005 }, compress: { accuracy, sparsity: run.config.targetSparsity, hardware } };
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
    return undefined;
  }) as ExecuteRun & { peak: number };
  execute.peak = 0;
  return execute;
}

test('runs every run on the workers at once, skips finished runs when started again, and summarizes over seeds', async () => {
  const runs = expandPlan(plan());
  const calls: { run: string; resume: boolean; threads: number }[] = [];
  const execute = fakeCompress(calls);
  const first = await runSweep(plan(), runs, { out, workers: 3, threads: 1, execute });
  expect(first).toEqual({ ran: expect.arrayContaining(runs.map((r) => r.name)), skipped: [], failed: [] });
  expect(execute.peak).toBe(3);
  expect(calls.every((c) => c.threads === 1 && !c.resume)).toBe(true);
  expect(readSweepRecord(out)!.runs.map((r) => r.name)).toEqual(runs.map((r) => r.name));

  const again = await runSweep(plan(), runs, { out, workers: 3, threads: 1, execute: fakeCompress([]) });
  expect(again).toEqual({ ran: [], skipped: runs.map((r) => r.name), failed: [] });

  const summary = summarize('plan.json', out, runs);
  const group = summary.groups.find((g) => g.group === 'targetSparsity=0.9,qtr=cost')!;
  // Seeds 1 and 2: 0.81 and 0.82, mean 0.815, sample standard deviation 0.01 / sqrt(2).
  expect(group.testAccuracy.mean).toBeCloseTo(0.815, 10);
  expect(group.testAccuracy.std).toBeCloseTo(0.01 / Math.SQRT2, 10);
  expect(group.validationAccuracy!.mean).toBeCloseTo(0.805, 10);
  expect(group.deployedKiB.mean).toBe(10);
  expect([group.smallerThanBinary!.mean, group.smallerThanTernary!.mean]).toEqual([3.5, 4]);
  expect(summary.chosen).toEqual({ group: 'targetSparsity=0.9,qtr=cost', validationAccuracy: expect.closeTo(0.805, 10) });
  // Test-time augmentation's accuracy is shown beside the test accuracy, never chosen on.
  expect(group.ttaTestAccuracy!.mean).toBeCloseTo(0.82, 10);
  const markdown = summaryMarkdown(summary);
  expect(markdown).toContain('| test accuracy % | test accuracy, flip TTA % |');
  expect(markdown).toContain('| targetSparsity=0.9,qtr=cost | 2 | 80.50 ± 0.71 | 81.50 ± 0.71 | 82.00 ± 0.71 | 90.00 ± 0.00 | 10.0 ± 0.0 | 3.5x, 4.0x | 2 |');
  // Every configuration deploys 10 KiB: the front is the most accurate one alone, drawn as a point of its own.
  const svg = paretoSvg(summary);
  expect(svg.match(/<circle /g)).toHaveLength(4);
  expect(svg).toContain('<title>targetSparsity=0.9,qtr=cost: 81.50%, 10.0 KiB</title>');
  expect(svg).not.toContain('<polyline');
});

test('a failing run is tried again, resuming, up to the retries; one that keeps failing is reported, the others finish', async () => {
  const runs = expandPlan(plan(1));
  const calls: { run: string; resume: boolean; threads: number }[] = [];
  const [flaky, broken] = [runs[0].name, runs[1].name];
  const outcome = await runSweep(plan(1), runs, { out, workers: 2, threads: 1, execute: fakeCompress(calls, new Map([[flaky, 1], [broken, 5]])) });
  expect(outcome.failed).toEqual([broken]);
  expect(outcome.ran).toHaveLength(runs.length - 1);
  expect(calls.filter((c) => c.run === flaky).map((c) => c.resume)).toEqual([false, true]);
  expect(calls.filter((c) => c.run === broken)).toHaveLength(2);
  expect(readRunState(out, runs[1])).toMatchObject({ status: 'failed', attempts: 2, error: 'exit 1: out of memory' });
  const summary = summarize('plan.json', out, runs);
  expect(summary.runs).toMatchObject({ total: 8, finished: 7, failed: [broken], missing: [broken] });
  expect(summary.groups.find((g) => g.group === runs[1].group)!.testAccuracy.n).toBe(1);
});

test('the Pareto front keeps the configurations nothing smaller beats', () => {
  expect(paretoFront([{ x: 3, y: 0.9 }, { x: 1, y: 0.8 }, { x: 2, y: 0.7 }, { x: 4, y: 0.95 }, { x: 1, y: 0.85 }])).toEqual([{ x: 1, y: 0.85 }, { x: 3, y: 0.9 }, { x: 4, y: 0.95 }]);
});

test('a sweep stopped mid-run leaves the run pending, not failed, and starts nothing more', async () => {
  const runs = expandPlan(plan(0));
  const controller = new AbortController();
  const calls: { run: string; resume: boolean; threads: number }[] = [];
  const execute: ExecuteRun = async (run) => {
    calls.push({ run: run.name, resume: false, threads: 1 });
    controller.abort();
    return 'exit 130: interrupted';
  };
  const outcome = await runSweep(plan(0), runs, { out, workers: 1, threads: 1, execute, signal: controller.signal });
  expect(outcome).toEqual({ ran: [], skipped: [], failed: [] });
  expect(calls).toHaveLength(1);
  expect(readRunState(out, runs[0])).toMatchObject({ status: 'pending', attempts: 1 });
});

test("a pretraining run alone takes the idle workers' threads; a run starts as soon as its own seed's pretraining run is done, from its model; one whose pretraining failed does not start", async () => {
  const pretrained = (seeds: number[]) => parsePlan(JSON.stringify({ base: { model: 'tfc', validation: 100 }, pretrain: { method: 'float' }, grid: { targetSparsity: [0.9, 0.95] }, seeds, retries: 0 }), 'plan.json');
  const log: { run: string; threads: number; model: string; at: number; event: 'start' | 'end' }[] = [];
  const started = Date.now();
  /** fakeCompress, each run's start and end logged, the pretraining runs held for `hold` ms (by seed). */
  const execute = (hold: Record<number, number>, failing = new Map<string, number>()): ExecuteRun => {
    const fake = fakeCompress([], failing);
    return async (run, dir, options) => {
      log.push({ run: run.name, threads: options.threads, model: run.config.model, at: Date.now() - started, event: 'start' });
      if (run.group === 'pretrain') await new Promise((resolve) => setTimeout(resolve, hold[run.config.seed] ?? 0));
      const error = await fake(run, dir, options);
      log.push({ run: run.name, threads: options.threads, model: run.config.model, at: Date.now() - started, event: 'end' });
      return error;
    };
  };
  const startOf = (run: string) => log.find((e) => e.run === run && e.event === 'start')!;
  const endOf = (run: string) => log.find((e) => e.run === run && e.event === 'end')!;

  // One seed on two workers: its pretraining run alone, with both workers' threads; then its two runs with one each, from its model.
  await runSweep(pretrained([1]), expandPlan(pretrained([1])), { out, workers: 2, threads: 1, execute: execute({}) });
  expect(startOf('pretrain,seed=1').threads).toBe(2);
  expect([startOf('targetSparsity=0.9,seed=1').threads, startOf('targetSparsity=0.95,seed=1').threads]).toEqual([1, 1]);
  expect(startOf('targetSparsity=0.9,seed=1').model).toBe(path.join(out, 'runs', 'pretrain,seed=1', 'model.onnx'));
  expect(startOf('targetSparsity=0.9,seed=1').at).toBeGreaterThanOrEqual(endOf('pretrain,seed=1').at);

  // Two seeds, seed 2's pretraining slow and then failing: seed 1's runs go while it pretrains; seed 2's never start.
  rmSync(out, { recursive: true, force: true });
  log.length = 0;
  const plan = pretrained([1, 2]);
  const runs = expandPlan(plan);
  const outcome = await runSweep(plan, runs, { out, workers: 2, threads: 1, execute: execute({ 2: 300 }, new Map([['pretrain,seed=2', 1]])) });
  expect(startOf('targetSparsity=0.9,seed=1').at).toBeLessThan(endOf('pretrain,seed=2').at);
  expect(log.filter((e) => e.run.endsWith('seed=2') && e.run !== 'pretrain,seed=2')).toEqual([]);
  expect(outcome.failed.sort()).toEqual(['pretrain,seed=2', 'targetSparsity=0.9,seed=2', 'targetSparsity=0.95,seed=2']);
  const summary = summarize('plan.json', out, runs);
  expect(summary.groups.map((g) => g.group)).toEqual(['targetSparsity=0.9', 'targetSparsity=0.95']);
  expect(summary.pretrain).toMatchObject({ group: 'pretrain', runs: ['pretrain,seed=1'] });
  expect(summary.chosen).toMatchObject({ group: 'targetSparsity=0.9' });
  expect(summaryMarkdown(summary)).toContain('| pretrain | 1 |');
});
