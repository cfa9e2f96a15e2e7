// report.html: one self-contained page (Chart.js inlined, no network) with the training curves,
// per-layer sparsity, weight histograms before and after stage 1, and the hardware cost.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { reportMarkdown } from './report_markdown';
import { percent, type RunReport } from './run_report';
import { stageOfLabel } from '../stages';

const require_ = createRequire(import.meta.url);

/** Chart.js's UMD bundle, read from the installed package. */
function chartLibrary(): string {
  const main = require_.resolve('chart.js');
  return readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The data the charts draw. */
function chartData(r: RunReport) {
  const c = r.compress;
  const epochs = c.stages.flatMap((s) => s.history.map((e) => ({ label: `${stageOfLabel(s.stage)?.short ?? s.stage} e${e.epoch + 1}`, ...e })));
  const memory = c.hardware.memory;
  return {
    curves: {
      labels: epochs.map((e) => e.label),
      loss: epochs.map((e) => e.loss),
      accuracy: epochs.map((e) => (e.quantizedAccuracy ?? 0) * 100),
      sparsity: epochs.map((e) => e.sparsity * 100),
    },
    sparsity: { labels: c.layers.map((l) => l.name), values: c.layers.map((l) => l.sparsity * 100) },
    histograms: c.histograms.beforeStage1.map((before, i) => {
      const after = c.histograms.afterStage1[i];
      const centers = (h: typeof before) => h.counts.map((_, k) => h.min + ((k + 0.5) * (h.max - h.min)) / h.counts.length);
      return { name: before.name, before: centers(before).map((x, k) => ({ x, y: before.counts[k] })), after: centers(after).map((x, k) => ({ x, y: after.counts[k] })) };
    }),
    memory: {
      labels: ['float32', 'binary', 'dense ternary (2 bit)', 'dense ternary (1.6 bit)', 'sparse ternary'],
      kib: [memory.float32, memory.binary, memory.ternary, memory.ternaryPacked, memory.sparseTernary].map((bits) => bits / 8 / 1024),
    },
  };
}

const DRAW = `
const data = JSON.parse(document.getElementById('report-data').textContent);
Chart.defaults.animation = false;
const ctx = (id) => document.getElementById(id);
new Chart(ctx('curves'), { type: 'line', data: { labels: data.curves.labels, datasets: [
  { label: 'training loss', data: data.curves.loss, yAxisID: 'loss', borderColor: '#c0392b' },
  { label: 'test accuracy %', data: data.curves.accuracy, yAxisID: 'percent', borderColor: '#2471a3' },
  { label: 'sparsity %', data: data.curves.sparsity, yAxisID: 'percent', borderColor: '#229954' } ] },
  options: { scales: { loss: { position: 'left', title: { display: true, text: 'loss' } }, percent: { position: 'right', min: 0, max: 100, title: { display: true, text: '%' } } } } });
new Chart(ctx('sparsity'), { type: 'bar', data: { labels: data.sparsity.labels, datasets: [{ label: 'sparsity %', data: data.sparsity.values, backgroundColor: '#229954' }] },
  options: { scales: { y: { min: 0, max: 100 } } } });
new Chart(ctx('memory'), { type: 'bar', data: { labels: data.memory.labels, datasets: [{ label: 'kernel memory (KiB)', data: data.memory.kib, backgroundColor: '#7d3c98' }] },
  options: { indexAxis: 'y', scales: { x: { type: 'logarithmic', title: { display: true, text: 'KiB (log scale)' } } } } });
data.histograms.forEach((h, i) => {
  new Chart(ctx('histogram-' + i), { type: 'line', data: { datasets: [
    { label: 'before stage 1', data: h.before, borderColor: '#909497', pointRadius: 0 },
    { label: 'after stage 1', data: h.after, borderColor: '#2471a3', pointRadius: 0 } ] },
    options: { plugins: { title: { display: true, text: h.name } }, scales: { x: { type: 'linear', title: { display: true, text: 'weight' } }, y: { type: 'logarithmic', title: { display: true, text: 'count' } } } } });
});
document.body.dataset.charts = 'drawn';
`;

export function reportHtml(r: RunReport): string {
  const c = r.compress;
  const histograms = c.histograms.beforeStage1.map((_, i) => `<div class="small"><canvas id="histogram-${i}"></canvas></div>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sparse-ternary report: ${escapeHtml(r.config.model)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1c2833; }
h1 { font-size: 1.5em; } h2 { margin-top: 2em; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5em; }
.small { display: inline-block; width: 32%; }
pre { background: #f4f6f7; padding: 1em; overflow-x: auto; white-space: pre-wrap; }
.headline { font-size: 1.2em; }
</style></head>
<body>
<h1>sparse-ternary: ${escapeHtml(`${r.config.method} ${r.config.model} on ${r.dataset.name}`)}</h1>
<p class="headline">Test accuracy <b>${percent(c.accuracy)}</b> at <b>${percent(c.sparsity)}</b> sparsity (before: ${percent(r.accuracyBefore)}${r.validation ? `; validation ${percent(r.validation.accuracy)}` : ''}); kernels
<b>${c.hardware.ratios.binary.toFixed(1)}x</b> smaller than binary and <b>${c.hardware.ratios.ternary.toFixed(1)}x</b> smaller than dense 2-bit ternary.</p>
<h2>Training</h2>
<div class="charts"><div><canvas id="curves"></canvas></div><div><canvas id="sparsity"></canvas></div></div>
<h2>Weights before and after stage 1</h2>
${histograms}
<h2>Hardware cost</h2>
<div><canvas id="memory"></canvas></div>
<h2>All numbers</h2>
<pre>${escapeHtml(reportMarkdown(r))}</pre>
<script>${chartLibrary()}</script>
<script type="application/json" id="report-data">${scriptJson(chartData(r))}</script>
<script>${DRAW}</script>
</body></html>
`;
}
