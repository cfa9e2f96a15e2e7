// A sweep's summary: per configuration (its runs over seeds), the mean and standard deviation of
// test accuracy, validation accuracy, sparsity, deployed size (and how many times smaller than
// binary and dense ternary kernels) and time; the configuration chosen
// on validation accuracy alone (never on the test set); the front of accuracy against memory.
// Markdown, JSON and SVG, written atomically.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@sparse-ternary/base';
import { readRunState, runDir } from './run_state';
import { PRETRAIN_GROUP, type SweepRun } from './runs';
import { color, paretoFront, scatterSvg } from './svg_charts';

/** Mean and sample standard deviation (0 for one value) over the seeds that finished. */
export interface Stat {
  mean: number;
  std: number;
  n: number;
}

export interface GroupSummary {
  group: string;
  runs: string[];
  testAccuracy: Stat;
  /** With test-time augmentation (the runs' --tta): the test accuracy so measured, shown beside the plain one, never chosen on. */
  ttaTestAccuracy?: Stat;
  validationAccuracy?: Stat;
  sparsity: Stat;
  /** The deployed sparse ternary weights, KiB. */
  deployedKiB: Stat;
  /** How many times smaller those are than the same kernels binary and dense 2-bit ternary (the paper's comparisons). */
  smallerThanBinary?: Stat;
  smallerThanTernary?: Stat;
  seconds: Stat;
}

export interface SweepSummary {
  plan: string;
  runs: { total: number; finished: number; failed: string[]; missing: string[] };
  groups: GroupSummary[];
  /** The pretraining runs the others started from (not compared or chosen among them). */
  pretrain?: GroupSummary;
  /** The group of the best mean validation accuracy; why none otherwise. */
  chosen: { group: string; validationAccuracy: number } | { reason: string };
}

export const stat = (values: number[]): Stat => {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return { mean, std: n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0, n };
};

interface RunResult {
  testAccuracy: number;
  ttaTestAccuracy?: number;
  validationAccuracy?: number;
  sparsity: number;
  deployedKiB: number;
  smallerThanBinary?: number;
  smallerThanTernary?: number;
  seconds: number;
}

function resultOf(out: string, run: SweepRun): RunResult | undefined {
  try {
    const report = JSON.parse(readFileSync(path.join(runDir(out, run), 'report.json'), 'utf8'));
    return {
      testAccuracy: report.compress.accuracy,
      ttaTestAccuracy: report.tta?.accuracy,
      validationAccuracy: report.validation?.accuracy,
      sparsity: report.compress.sparsity,
      deployedKiB: report.compress.hardware.memory.deployed / 8 / 1024,
      smallerThanBinary: report.compress.hardware.ratios?.binary,
      smallerThanTernary: report.compress.hardware.ratios?.ternary,
      seconds: report.seconds,
    };
  } catch {
    return undefined;
  }
}

export function summarize(plan: string, out: string, runs: SweepRun[]): SweepSummary {
  const results = new Map(runs.map((run) => [run.name, readRunState(out, run).status === 'done' ? resultOf(out, run) : undefined]));
  const summaries: GroupSummary[] = [];
  for (const group of [...new Set(runs.map((r) => r.group))]) {
    const finished = runs.filter((r) => r.group === group && results.get(r.name)).map((r) => ({ name: r.name, ...results.get(r.name)! }));
    if (finished.length === 0) continue;
    const of = (key: keyof RunResult) => stat(finished.map((r) => r[key] as number));
    const every = (key: keyof RunResult) => finished.every((r) => r[key] !== undefined);
    summaries.push({
      group,
      runs: finished.map((r) => r.name),
      testAccuracy: of('testAccuracy'),
      ...(every('ttaTestAccuracy') ? { ttaTestAccuracy: of('ttaTestAccuracy') } : {}),
      ...(every('validationAccuracy') ? { validationAccuracy: of('validationAccuracy') } : {}),
      sparsity: of('sparsity'),
      deployedKiB: of('deployedKiB'),
      ...(every('smallerThanBinary') ? { smallerThanBinary: of('smallerThanBinary') } : {}),
      ...(every('smallerThanTernary') ? { smallerThanTernary: of('smallerThanTernary') } : {}),
      seconds: of('seconds'),
    });
  }
  const groups = summaries.filter((g) => g.group !== PRETRAIN_GROUP);
  const pretrain = summaries.find((g) => g.group === PRETRAIN_GROUP);
  const best = groups.every((g) => g.validationAccuracy) && groups.length ? groups.reduce((a, b) => (b.validationAccuracy!.mean > a.validationAccuracy!.mean ? b : a)) : undefined;
  return {
    plan,
    runs: {
      total: runs.length,
      finished: [...results.values()].filter(Boolean).length,
      failed: runs.filter((r) => readRunState(out, r).status === 'failed').map((r) => r.name),
      missing: runs.filter((r) => !results.get(r.name)).map((r) => r.name),
    },
    groups,
    ...(pretrain ? { pretrain } : {}),
    chosen: best ? { group: best.group, validationAccuracy: best.validationAccuracy!.mean } : { reason: groups.length ? 'the runs hold out no validation split: give the base "validation": n (choosing on the test set would overfit it)' : 'no run finished' },
  };
}

const pct = (s: Stat) => `${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)}`;
const times = (s?: Stat) => (s ? `${s.mean.toFixed(1)}x` : '-');

export function summaryMarkdown(summary: SweepSummary): string {
  const rows = [...summary.groups, ...(summary.pretrain ? [summary.pretrain] : [])];
  // A column for test-time augmentation's accuracy when any run reported one.
  const tta = rows.some((g) => g.ttaTestAccuracy);
  const lines = [
    `# Sweep: ${summary.plan}`,
    '',
    `${summary.runs.finished} of ${summary.runs.total} runs finished${summary.runs.failed.length ? `; failed: ${summary.runs.failed.join(', ')}` : ''}. Mean ± standard deviation over seeds.`,
    '',
    `| configuration | seeds | validation accuracy % | test accuracy % |${tta ? ' test accuracy, flip TTA % |' : ''} sparsity % | deployed KiB | smaller than binary, dense ternary | seconds |`,
    `|---|---|---|---|${tta ? '---|' : ''}---|---|---|---|`,
    ...rows.map(
      (g) =>
        `| ${g.group} | ${g.testAccuracy.n} | ${g.validationAccuracy ? pct(g.validationAccuracy) : '-'} | ${pct(g.testAccuracy)} |${tta ? ` ${g.ttaTestAccuracy ? pct(g.ttaTestAccuracy) : '-'} |` : ''} ${pct(g.sparsity)} | ${g.deployedKiB.mean.toFixed(1)} ± ${g.deployedKiB.std.toFixed(1)} | ${times(g.smallerThanBinary)}, ${times(g.smallerThanTernary)} | ${g.seconds.mean.toFixed(0)} |`,
    ),
    '',
    ...(summary.pretrain ? [`The ${PRETRAIN_GROUP} row is the pretraining runs the others start from: not among the configurations compared or chosen.`, ''] : []),
    ...(summary.groups.length ? ['![test accuracy against deployed size, each configuration\'s mean; the dashed line: the Pareto front](pareto.svg)', ''] : []),
    'group' in summary.chosen ? `Chosen on validation accuracy: **${summary.chosen.group}** (${(100 * summary.chosen.validationAccuracy).toFixed(2)}%).` : `Nothing chosen: ${(summary.chosen as { reason: string }).reason}.`,
    '',
  ];
  return lines.join('\n');
}

/** Each configuration's mean test accuracy against its mean deployed size (log scale), and the front no smaller configuration beats. */
export function paretoSvg(summary: SweepSummary): string {
  const points = summary.groups.map((g) => ({ x: g.deployedKiB.mean, y: 100 * g.testAccuracy.mean, label: `${g.group}: ${(100 * g.testAccuracy.mean).toFixed(2)}%, ${g.deployedKiB.mean.toFixed(1)} KiB` }));
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return scatterSvg({
    title: `${path.basename(summary.plan)}: test accuracy vs deployed size`,
    x: { min: Math.min(...xs) / 1.5, max: Math.max(...xs) * 1.5, log: true, label: 'deployed sparse ternary weights, KiB (log scale)' },
    y: { min: Math.floor(Math.min(...ys) - 1), max: Math.ceil(Math.max(...ys) + 0.5), label: 'test accuracy, % (mean over seeds)' },
    series: [{ label: 'configurations', color: color(0), points, front: paretoFront(points) }],
  });
}

/** summary.json, summary.md and (with a finished run) pareto.svg in the sweep's folder. */
export function writeSummary(out: string, summary: SweepSummary): void {
  writeFileAtomic(path.join(out, 'summary.json'), JSON.stringify(summary, null, 1));
  if (summary.groups.length) writeFileAtomic(path.join(out, 'pareto.svg'), paretoSvg(summary));
  writeFileAtomic(path.join(out, 'summary.md'), summaryMarkdown(summary));
}
