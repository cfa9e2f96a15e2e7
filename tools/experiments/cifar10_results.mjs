// The results page's CIFAR-10 section, from what is committed under docs/experiments/cifar10: per
// net, the float model PyTorch made (tools/experiments/cifar10/models/<net>-pytorch.json) and the
// summaries of its sweep plans (<net>/<plan>/summary.json, as `sparse-ternary sweep` wrote them,
// beside the plan <net>/<plan>.json and the plan's measured wall time <net>/<plan>/wall.json).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { color, scatterSvg } from './svg.mjs';
import { paretoFront } from './analysis.mjs';
import { pct } from './format.mjs';

/** The issue's targets, per net: each a test of the rows by their role. */
export const CIFAR_TARGETS = {
  resnet20: [
    { text: 'PyTorch float >= 91.0%', check: ({ pytorch }) => pytorch && { value: pct(pytorch.testAccuracy), met: pytorch.testAccuracy >= 0.91 } },
    { text: 'TWN within 1 pt of the float model', check: ({ float, twn }) => gap(float, twn, 1) },
    { text: 'sparse ternary at 90% within 0.5 pt of TWN or above', check: ({ twn, byTarget }) => gap(twn, best(byTarget(0.9)), 0.5) },
    { text: 'sparse ternary at 95% within 1.5 pt of TWN', check: ({ twn, byTarget }) => gap(twn, best(byTarget(0.95)), 1.5) },
  ],
  cnv: [
    { text: 'PyTorch float >= 87%', check: ({ pytorch }) => pytorch && { value: pct(pytorch.testAccuracy), met: pytorch.testAccuracy >= 0.87 } },
    { text: 'sparse ternary at 95% within 1 pt of TWN', check: ({ twn, byTarget }) => gap(twn, best(byTarget(0.95)), 1) },
    {
      text: 'where the kernels are >= 5x smaller than binary and >= 10x smaller than dense ternary: within 2 pt of TWN',
      check: ({ twn, rows }) => gap(twn, best(rows.filter((r) => r.sparse && r.smallerThanBinary?.mean >= 5 && r.smallerThanTernary?.mean >= 10)), 2),
    },
  ],
};

const stat = (s, digits = 2) => (s ? `${(100 * s.mean).toFixed(digits)}${s.n > 1 ? ` ± ${(100 * s.std).toFixed(digits)}` : ''}` : '-');
const times = (s) => (s ? `${s.mean.toFixed(1)}x` : '-');

/** Of sparse ternary rows, the one with the best validation accuracy (the choice rule). */
const best = (rows) => [...rows].sort((a, b) => (b.validationAccuracy?.mean ?? 0) - (a.validationAccuracy?.mean ?? 0))[0];

/** Whether `row`'s mean test accuracy is within `points` of `reference`'s (or above). */
function gap(reference, row, points) {
  if (!reference || !row) return undefined;
  const short = 100 * (reference.testAccuracy.mean - row.testAccuracy.mean);
  // 1e-9: a gap of exactly the allowance, through float arithmetic, still meets it.
  return { value: `${row.group}: ${stat(row.testAccuracy)}% against ${stat(reference.testAccuracy)}% (${short >= 0 ? `${short.toFixed(2)} pt below` : `${(-short).toFixed(2)} pt above`})`, met: short <= points + 1e-9 };
}

/** What a plan entry does, in words, from its options over the plan's base. */
function describe(config) {
  const method = config.method ?? 'sparse-ternary';
  if (method === 'float') return config.stage1Epochs === 0 ? 'float (the PyTorch model imported, evaluated)' : 'float';
  if (method === 'binary') return 'binary';
  if (method === 'twn') return 'dense ternary (TWN)';
  const qtr = config.qtr && config.qtr !== 'none' ? `, QTR ${config.qtr} ${config.qtrLambda ?? ''}`.trimEnd() : ', no QTR';
  return `sparse ternary ${pct(config.targetSparsity, 0)}${qtr}`;
}

/** A net's plans: each plan's file, its summary, its wall time, and its groups with what each ran. */
function readNet(dir) {
  const plans = [];
  for (const name of readdirSync(dir).filter((n) => existsSync(path.join(dir, n, 'summary.json')))) {
    const plan = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
    const summary = JSON.parse(readFileSync(path.join(dir, name, 'summary.json'), 'utf8'));
    const wallFile = path.join(dir, name, 'wall.json');
    const wall = existsSync(wallFile) ? JSON.parse(readFileSync(wallFile, 'utf8')) : undefined;
    const entries = new Map((plan.list ?? [{}]).map((e) => [e.name, { ...plan.base, ...e }]));
    const groups = summary.groups.map((g) => {
      const config = entries.get(g.group) ?? plan.base;
      return { ...g, plan: name, config, label: describe(config), sparse: (config.method ?? 'sparse-ternary') === 'sparse-ternary', target: config.targetSparsity };
    });
    plans.push({ name, plan, summary, wall, groups });
  }
  return plans;
}

/** Float, binary and TWN first, then sparse ternary by target sparsity, without QTR before with. */
const BASELINES = ['float', 'binary', 'twn'];
const rank = (row) => (row.sparse ? 10 + 10 * (row.target ?? 0) + (row.config.qtr && row.config.qtr !== 'none' ? 0.5 : 0) : BASELINES.indexOf(row.config.method));

/**
 * The section's lines for every net with committed summaries; writes each net's Pareto plot into
 * `resultsDir` (linked from the page as results/<file>).
 */
export function cifarSection(root, resultsDir) {
  const base = path.join(root, 'docs/experiments/cifar10');
  if (!existsSync(base)) return [];
  const lines = [];
  for (const entry of readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const net = entry.name;
    const dir = path.join(base, net);
    const plans = readNet(dir);
    if (!plans.length) continue;
    const pytorchFile = path.join(root, 'tools/experiments/cifar10/models', `${net}-pytorch.json`);
    const pytorch = existsSync(pytorchFile) ? JSON.parse(readFileSync(pytorchFile, 'utf8')) : undefined;
    // The recipe plan chooses how to train; the others are the comparison.
    const compared = plans.filter((p) => p.name !== 'recipe');
    const rows = compared.flatMap((p) => p.groups).sort((a, b) => rank(a) - rank(b));
    lines.push(`### ${net}`, '');
    if (pytorch) lines.push(`The float model: PyTorch ${pytorch.torch}, ${pytorch.recipe.epochs} epochs in ${(pytorch.trainSeconds / 3600).toFixed(1)} h, ${pct(pytorch.validationAccuracy)} validation and **${pct(pytorch.testAccuracy)} test** accuracy as PyTorch measured it.`, '');
    lines.push('| configuration | plan | seeds | validation | test | test, flip TTA | sparsity | kernels, KiB | smaller than binary | smaller than dense ternary | minutes a run |', '|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      lines.push(`| ${r.label} (${r.group}) | ${r.plan} | ${r.testAccuracy.n} | ${stat(r.validationAccuracy)} | ${stat(r.testAccuracy)} | ${stat(r.ttaTestAccuracy)} | ${pct(r.sparsity.mean)} | ${r.deployedKiB.mean.toFixed(1)} | ${times(r.smallerThanBinary)} | ${times(r.smallerThanTernary)} | ${(r.seconds.mean / 60).toFixed(0)} |`);
    }
    lines.push('', 'Mean ± standard deviation over the seeds of the compression (the float model is the same for all); chosen and compared on the 5,000 validation images, reported on the 10,000 test images. Flip TTA: the mean output on each image and its mirror image, shown, never used to choose.', '');
    const roles = {
      pytorch,
      rows,
      float: rows.find((r) => r.config.method === 'float'),
      twn: rows.find((r) => r.config.method === 'twn'),
      byTarget: (s) => rows.filter((r) => r.sparse && Math.abs((r.target ?? 0) - s) < 1e-9),
    };
    const targets = (CIFAR_TARGETS[net] ?? []).map((t) => ({ ...t, result: t.check(roles) }));
    if (targets.length) {
      lines.push('| target | measured | met |', '|---|---|---|');
      for (const t of targets) lines.push(`| ${t.text} | ${t.result?.value ?? 'not run yet'} | ${t.result ? (t.result.met ? 'yes' : '**no**') : '-'} |`);
      lines.push('');
    }
    const file = `cifar10-${net}-pareto.svg`;
    writeFileSync(path.join(resultsDir, file), paretoSvg(net, rows));
    lines.push(`![${net}: test accuracy against kernel memory](results/${file})`, '');
    const recipe = plans.find((p) => p.name === 'recipe');
    if (recipe) {
      const chosen = recipe.summary.chosen.group;
      lines.push(`The recipe (plan \`recipe\`, chosen on validation: **${chosen ?? 'none'}**):`, '', '| variant | validation | test | test, flip TTA |', '|---|---|---|---|');
      for (const g of recipe.groups) lines.push(`| ${g.group} | ${stat(g.validationAccuracy)} | ${stat(g.testAccuracy)} | ${stat(g.ttaTestAccuracy)} |`);
      lines.push('');
    }
    lines.push('| plan | runs | wall time | machine time (sum of its runs) | command |', '|---|---|---|---|---|');
    for (const p of plans) {
      const machine = p.summary.groups.reduce((s, g) => s + g.seconds.mean * g.seconds.n, 0);
      lines.push(`| ${p.name} | ${p.summary.runs.finished} of ${p.summary.runs.total} | ${p.wall ? `${(p.wall.seconds / 3600).toFixed(1)} h (${p.wall.workers} workers of ${p.wall.threads} thread${p.wall.threads > 1 ? 's' : ''})` : '-'} | ${(machine / 3600).toFixed(1)} h | \`sparse-ternary sweep docs/experiments/cifar10/${net}/${p.name}.json -o out/cifar10/${net}/${p.name}\` |`);
    }
    lines.push('');
  }
  return lines;
}

/** Each configuration's mean test accuracy against its kernel memory (log scale), by method, with the front. */
function paretoSvg(net, rows) {
  const kinds = [...new Set(rows.map((r) => (r.sparse ? (r.config.qtr && r.config.qtr !== 'none' ? 'sparse ternary, QTR' : 'sparse ternary, no QTR') : r.label)))];
  const kindOf = (r) => (r.sparse ? (r.config.qtr && r.config.qtr !== 'none' ? 'sparse ternary, QTR' : 'sparse ternary, no QTR') : r.label);
  const points = (kind) => rows.filter((r) => kindOf(r) === kind).map((r) => ({ x: r.deployedKiB.mean, y: 100 * r.testAccuracy.mean, label: `${r.group}: ${stat(r.testAccuracy)}%, ${r.deployedKiB.mean.toFixed(1)} KiB` }));
  const xs = rows.map((r) => r.deployedKiB.mean);
  const ys = rows.map((r) => 100 * r.testAccuracy.mean);
  return scatterSvg({
    title: `CIFAR-10 ${net}: test accuracy vs kernel memory`,
    x: { min: Math.min(...xs) / 1.5, max: Math.max(...xs) * 1.5, log: true, label: 'kernel memory, KiB (deployed representation; log scale)' },
    y: { min: Math.floor(Math.min(...ys) - 1), max: Math.ceil(Math.max(...ys) + 0.5), label: 'test accuracy, % (mean over seeds)' },
    series: kinds.map((kind, i) => ({ label: kind, color: color(i), points: points(kind), front: paretoFront(points(kind)) })),
  });
}
