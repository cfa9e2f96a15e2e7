// Collects the runs of every plan (the sweep folders out/experiments/<plan>/runs/*/report.json) into
// docs/results/<plan>.json, then renders docs/results.md and the SVG plots from those JSON files,
// so the page can be rebuilt from what is committed. Lambda and sparsity choices are made on the
// validation accuracy (training images held out by --validation), never on the test accuracy.
//
//   node tools/experiments/summarize.mjs
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTarget, chosen, paretoFront, tallyWins } from './analysis.mjs';
import { color, histogramSvg, scatterSvg } from './svg.mjs';
import { cifarSection } from './cifar10_results.mjs';
import { activationsSection } from './activations_results.mjs';
import { pct } from './format.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const planDir = path.join(root, 'tools/experiments/plans');
const docs = path.join(root, 'docs');
const resultsDir = path.join(docs, 'results');
mkdirSync(resultsDir, { recursive: true });

/** The paper's claims as the issue sets them: sparsity level and allowed gap to TWN, per plan. */
const TARGETS = {
  'mnist-lfc': [
    { sparsity: 0.95, gap: 0.5 },
    { sparsity: 0.98, gap: 1.5, memory: { binary: 5, ternary: 10 } },
  ],
  'fashion-mnist-lfc': [{ sparsity: 0.9, gap: 1 }],
  'cifar10-cnv': [{ sparsity: 0.8, gap: 2 }],
};
const ABLATION_LEVELS = [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];
const GROUPS = [
  { key: 'float', label: 'float' },
  { key: 'binary', label: 'binary' },
  { key: 'twn', label: 'dense ternary (TWN)' },
  { key: 'ptq', label: 'prune-then-quantize' },
  { key: 'st-none', label: 'sparse ternary, no QTR' },
  { key: 'st-deadzone', label: 'sparse ternary, QTR deadzone' },
  { key: 'st-cost', label: 'sparse ternary, QTR cost' },
];
const QTR_GROUPS = ['st-cost', 'st-deadzone', 'st-none'];

const kbit = (bits) => `${(bits / 1000).toFixed(1)}`;
const si = (n) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));

function groupOf(config) {
  if (config.method === 'sparse-ternary') return `st-${config.qtr}`;
  return config.method === 'prune-then-quantize' ? 'ptq' : config.method;
}

/** The run's threshold rule: a per-layer target sparsity or Delta = t mean|w|. */
const thresholdOf = (config) => (config.targetSparsity ? `target sparsity ${config.targetSparsity}` : `t ${config.t}`);

function parameterOf(config) {
  const threshold = thresholdOf(config);
  switch (groupOf(config)) {
    case 'st-cost':
    case 'st-deadzone':
      return `lambda ${config.qtrLambda}, ${threshold}`;
    case 'st-none':
      return threshold;
    case 'ptq':
      return `pruned to ${config.pruneSparsity}, t ${config.t}`;
    case 'twn':
      return `t ${config.t}`;
    default:
      return '';
  }
}

/** The operations of one inference in the deployed representation. */
function operationsOf(group, ops) {
  if (group === 'float') return `${si(ops.floatMacs)} MAC`;
  if (group === 'binary') return `${si(ops.binaryXnorPopcounts)} XNOR-popcount`;
  return `${si(ops.sparseAddSubs)} add/sub + ${si(ops.sparseScaleMultiplies)} mul`;
}

/** The command that makes a plan's runs (sparse-ternary sweep, into out/experiments/<plan>). */
const sweepCommand = (plan) => `sparse-ternary sweep tools/experiments/plans/${plan.name}.json -o out/experiments/${plan.name}`;

/** One row per finished run of a plan's sweep, read from out/experiments; a run is named by its plan entry (its seed too where the plan has several). */
function collect(plan) {
  const dir = path.join(root, 'out/experiments', plan.name, 'runs');
  if (!existsSync(dir)) return undefined;
  const rows = [];
  for (const run of readdirSync(dir)) {
    const reportFile = path.join(dir, run, 'report.json');
    if (!existsSync(reportFile)) continue;
    const r = JSON.parse(readFileSync(reportFile, 'utf8'));
    const name = plan.seeds.length > 1 ? run : run.replace(/,seed=\d+$/, '');
    const group = name === 'pretrain' ? 'float' : groupOf(r.config);
    const h = r.compress.hardware;
    rows.push({
      name,
      group,
      parameter: name === 'pretrain' ? 'pretrained' : parameterOf(r.config),
      threshold: thresholdOf(r.config),
      validation: r.validation?.accuracy,
      test: r.compress.accuracy,
      sparsity: r.compress.sparsity,
      layerSparsity: h.layers.map((l) => l.sparsity),
      memoryBits: h.memory.deployed,
      binaryBits: h.memory.binary,
      ternaryBits: h.memory.ternary,
      operations: operationsOf(group, h.operations),
      epochs: r.compress.stages.map((s) => `${s.stage}: ${s.history.length}`).join(', '),
      seconds: r.seconds,
      command: `${sweepCommand(plan)} (run ${run})`,
      backend: r.info.backend,
      machine: `${r.info.machine.cpus} x ${r.info.machine.cpuModel}, ${r.info.machine.memoryGB} GB`,
      histograms: r.compress.histograms.afterStage1.map((hist, i) => ({ ...hist, delta: r.compress.layers[i]?.delta })),
    });
  }
  return rows;
}

/** Runs this many points below the plan's best are left out of its plot (a collapsed run would flatten the rest). */
const PLOT_RANGE = 10;

/** Writes the plan's accuracy-vs-memory plot; returns its file and the runs it leaves out. */
function paretoPlot(plan, allRows) {
  const best = Math.max(...allRows.map((r) => r.test));
  const rows = allRows.filter((r) => r.test >= best - PLOT_RANGE / 100);
  const left = allRows.filter((r) => !rows.includes(r)).map((r) => r.name);
  const present = GROUPS.filter((g) => rows.some((r) => r.group === g.key));
  const series = present.map((g, i) => {
    const points = rows.filter((r) => r.group === g.key).map((r) => ({ x: r.memoryBits / 1000, y: 100 * r.test, label: `${r.name}: ${pct(r.test)}, ${pct(r.sparsity)} sparse` }));
    return { label: g.label, color: color(i), points, front: paretoFront(points) };
  });
  const xs = rows.map((r) => r.memoryBits / 1000);
  const ys = rows.map((r) => 100 * r.test);
  const file = `${plan.name}-pareto.svg`;
  writeFileSync(
    path.join(resultsDir, file),
    scatterSvg({
      title: `${plan.title}: test accuracy vs kernel memory`,
      x: { min: Math.min(...xs) / 1.5, max: Math.max(...xs) * 1.5, log: true, label: 'kernel memory, kbit (best encoding; log scale)' },
      y: { min: Math.floor(Math.min(...ys) - 1), max: Math.ceil(Math.max(...ys) + 0.5), label: 'test accuracy, %' },
      series,
    }),
  );
  return { file, left };
}

function histogramPlot(plan, rows) {
  // The best qtr-cost run against the no-QTR run at the same threshold rule, so the difference is
  // the regularizer's; TWN (no QTR, t 0.7) stands in where no such run exists.
  const withQtr = chosen(rows.filter((r) => r.group === 'st-cost'), 0);
  if (!withQtr) return undefined;
  const matched = rows.find((r) => r.group === 'st-none' && r.threshold === withQtr.threshold);
  const without = matched ?? rows.find((r) => r.group === 'twn');
  if (!without) return undefined;
  const file = `${plan.name}-histograms.svg`;
  const charts = without.histograms.map((h, i) =>
    histogramSvg({
      title: `${plan.name}, ${h.name} after stage 1 (dashed: +-Delta)`,
      series: [
        { label: `no QTR (${without.name})`, color: color(0), ...h },
        { label: `QTR cost (${withQtr.name})`, color: color(1), ...withQtr.histograms[i] },
      ],
    }),
  );
  // Stack the per-layer charts in one SVG.
  const height = 300;
  const body = charts.map((svg, i) => `<g transform="translate(0 ${i * height})">${svg.replace(/^<svg[^>]*>|<\/svg>\s*$/g, '')}</g>`).join('\n');
  writeFileSync(path.join(resultsDir, file), `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="${charts.length * height}" viewBox="0 0 760 ${charts.length * height}" font-family="sans-serif" font-size="11">\n${body}\n</svg>\n`);
  return file;
}

function section(plan, rows) {
  const twn = rows.find((r) => r.group === 'twn');
  const byGroup = (key) => rows.filter((r) => r.group === key);
  const lines = [`## ${plan.title}`, ''];
  const options = (config) => `\`${JSON.stringify(config)}\``;
  const start = plan.pretrain
    ? `float pretraining ${options({ ...plan.base, ...plan.pretrain })}; every other row starts from that float model (the plan's \`pretrain\`) with ${options(Object.fromEntries(Object.entries(plan.base).filter(([key]) => key !== 'model' && key !== 'width')))}`
    : `every row trains from random initialization with ${options(plan.base)}`;
  lines.push(
    `Budget: ${start} (the baselines train for the sum of the stage 1 and 3 epochs). Wall time of the whole plan: ${(rows.reduce((s, r) => s + r.seconds, 0) / 60).toFixed(0)} min.`,
    '',
  );
  const order = (r) => GROUPS.findIndex((g) => g.key === r.group) * 10 + r.sparsity;
  lines.push('| run | method | parameter | validation | test | sparsity | per-layer sparsity | kernel memory, kbit | vs binary | vs dense ternary | operations per inference | epochs | wall time |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of [...rows].sort((a, b) => order(a) - order(b))) {
    lines.push(
      `| ${r.name} | ${GROUPS.find((g) => g.key === r.group).label} | ${r.parameter} | ${pct(r.validation)} | ${pct(r.test)} | ${pct(r.sparsity)} | ${r.layerSparsity.map((s) => pct(s, 1)).join(' / ')} | ${kbit(r.memoryBits)} | ` +
        `${(r.binaryBits / r.memoryBits).toFixed(1)}x | ${(r.ternaryBits / r.memoryBits).toFixed(1)}x | ${r.operations} | ${r.epochs} | ${(r.seconds / 60).toFixed(1)} min |`,
    );
  }
  lines.push('', `Kernel memory counts every weight layer's kernel in its deployed representation (32-bit float, 1-bit binary, or the smallest of the hw-cost encodings for ternary, scales included); "vs binary" and "vs dense ternary" divide the same topology's 1-bit and 2-bit kernels by it.`, '');

  const targets = TARGETS[plan.name] ?? [];
  if (targets.length && twn) {
    lines.push('### Targets', '', `Dense ternary (TWN) reference: ${pct(twn.test)} test. For each target, the sparse ternary run (any QTR variant) at or above the sparsity with the best **validation** accuracy:`, '');
    lines.push('| target | chosen run | sparsity | validation | test | gap to TWN | vs binary | vs dense ternary | met |', '|---|---|---|---|---|---|---|---|---|');
    for (const t of targets) {
      const { run: c, gap, ratios, met, memoryMet } = checkTarget(rows, t);
      const memoryText = t.memory ? ` and ${t.memory.binary}x / ${t.memory.ternary}x smaller` : '';
      if (!c) {
        lines.push(`| >= ${pct(t.sparsity, 0)} sparse within ${t.gap} pt${memoryText} | no sparse ternary run reached ${pct(t.sparsity, 0)} | | | | | | | **no** |`);
        continue;
      }
      const why = [gap > t.gap ? `${(gap - t.gap).toFixed(2)} pt short` : '', memoryMet ? '' : 'memory ratio short'].filter(Boolean).join(', ');
      lines.push(
        `| >= ${pct(t.sparsity, 0)} sparse within ${t.gap} pt${memoryText} | ${c.name} | ${pct(c.sparsity)} | ${pct(c.validation)} | ${pct(c.test)} | ${gap.toFixed(2)} pt | ${ratios.binary.toFixed(1)}x | ${ratios.ternary.toFixed(1)}x | ${met ? 'yes' : `**no** (${why})`} |`,
      );
    }
    lines.push('');
  }

  lines.push('### Ablation at matched sparsity', '', 'Per method, the run at or above each sparsity with the best validation accuracy (its test accuracy in brackets); "-" where no run of the method got there.', '');
  lines.push(`| method | ${ABLATION_LEVELS.map((l) => `>= ${pct(l, 0)}`).join(' | ')} |`, `|---|${ABLATION_LEVELS.map(() => '---').join('|')}|`);
  for (const g of GROUPS.filter((g) => ['ptq', ...QTR_GROUPS].includes(g.key))) {
    lines.push(`| ${g.label} | ${ABLATION_LEVELS.map((l) => { const c = chosen(byGroup(g.key), l); return c ? `${pct(c.validation)} (${pct(c.test)}; ${c.name})` : '-'; }).join(' | ')} |`);
  }
  lines.push('');
  const { file: pareto, left } = paretoPlot(plan, rows);
  lines.push(`![${plan.name}: accuracy vs memory](results/${pareto})`, '');
  if (left.length) lines.push(`Left out of the plot, more than ${PLOT_RANGE} points below the best run: ${left.join(', ')}.`, '');
  const hist = histogramPlot(plan, rows);
  if (hist) lines.push(`Weights after stage 1 with and without QTR (log count; dashed lines at +-Delta of each run):`, '', `![${plan.name}: histograms](results/${hist})`, '');
  return lines;
}

const plans = readdirSync(planDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f.replace(/\.json$/, ''), seeds: [1], ...JSON.parse(readFileSync(path.join(planDir, f), 'utf8')) }));
const all = [];
for (const plan of plans) {
  const collected = collect(plan);
  const jsonFile = path.join(resultsDir, `${plan.name}.json`);
  if (collected?.length) writeFileSync(jsonFile, `${JSON.stringify(collected)}\n`);
  if (existsSync(jsonFile)) all.push({ plan, rows: JSON.parse(readFileSync(jsonFile, 'utf8')) });
}
const { wins, ties, cells: winCells } = tallyWins(all.map(({ plan, rows }) => ({ name: plan.name, rows })), QTR_GROUPS, ABLATION_LEVELS);
const cells = winCells.map(({ plan, level, group, run, margin }) => {
  const ptq = chosen(all.find((p) => p.plan.name === plan).rows.filter((r) => r.group === 'ptq'), level);
  const best = margin > 0 ? `${group.replace('st-', '')}: ${run.name} (${pct(run.validation)})` : `tie at ${pct(run.validation)}`;
  return `| ${plan} | >= ${pct(level, 0)} | ${best} | ${(100 * margin).toFixed(2)} pt | ${ptq ? `${ptq.name} (${pct(ptq.validation)})` : '-'} |`;
});
const first = all[0]?.rows[0];
const cifar = cifarSection(root, resultsDir);
const cifarIntro = cifar.length
  ? [
      '## CIFAR-10 at full scale',
      '',
      'The paper\'s second dataset at full size: 45,000 training images (5,000 of the 50,000 held out for validation, the same for every run and left out of the float models\' training too) and the 10,000 test images, from float models PyTorch trained and exported (ResNet-20 and FINN\'s CNV), imported as users import theirs. How the models and runs are made, and the commands: [experiments/cifar10](experiments/cifar10/README.md).',
      '',
      ...cifar,
    ]
  : [];
const lines = [
  '# Results: the paper\'s claims, measured',
  '',
  'Generated by `node tools/experiments/summarize.mjs` from the sweeps of `tools/experiments/run_all.sh` (one `sparse-ternary sweep` per plan); how the runs are made, the data, the methods and the budget: [experiments.md](experiments.md). ' +
    `Machine: ${first ? `${first.machine}, backend ${first.backend}` : '-'}; every row's command, commit and wall time are in the command tables at the end. ` +
    'The epochs are few (each run takes 0.5-10 min on this 2-core machine); experiments.md says how to get better numbers with more time.',
  '',
  'Choice rule: wherever a run is chosen (a lambda or t, a variant, the run that meets a target), it is the one with the best accuracy on the validation images (5,000 held out of the 60,000 MNIST-style training images, 1,000 of the 10,000 CIFAR ones); its test accuracy is reported, never used to choose.',
  '',
  ...cifarIntro,
  ...activationsSection(root),
  '## Which QTR variant wins',
  '',
  `At each sparsity level where at least two of the QTR variants (cost, deadzone, none) have a run, the variant whose chosen run has the best validation accuracy, its margin over the runner-up, and prune-then-quantize alongside: wins ${Object.entries(wins).map(([g, n]) => `${g.replace('st-', '')} ${n}`).join(', ')}; exact ties ${ties}. ` +
    'A margin of 0.1 pt is 5 of the 5,000 MNIST-style validation images and 1 of the 1,000 CIFAR ones.',
  '',
  '| plan | sparsity | best variant (validation) | margin over the runner-up | prune-then-quantize (validation) |',
  '|---|---|---|---|---|',
  ...cells,
  '',
];
for (const { plan, rows } of all) lines.push(...section(plan, rows));
lines.push('## Commands', '');
for (const { plan, rows } of all) {
  // Rows recorded before the plans were sweeps carry the commit they ran at.
  lines.push(`### ${plan.name}`, '', '| run | command | commit | backend | machine | wall time |', '|---|---|---|---|---|---|');
  for (const r of rows) lines.push(`| ${r.name} | \`${r.command}\` | ${r.commit ?? '-'} | ${r.backend} | ${r.machine} | ${(r.seconds / 60).toFixed(1)} min |`);
  lines.push('');
}
writeFileSync(path.join(docs, 'results.md'), `${lines.join('\n')}\n`);
console.log(`wrote docs/results.md and ${readdirSync(resultsDir).length} files in docs/results; QTR wins: ${JSON.stringify(wins)}, ties ${ties}`);
