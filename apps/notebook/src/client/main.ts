// The notebook page: one cell per step, each with its parameters, a Run button and outputs that
// stay. Training runs on the server; its progress arrives as server-sent events and draws live.
import { load } from '@sparse-ternary/runtime';
import Chart from 'chart.js/auto';

Chart.defaults.animation = false;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Field {
  name: string;
  label: string;
  value: string;
  options?: string[];
  type?: 'text' | 'number' | 'file';
}

interface CellSpec {
  id: string;
  title: string;
  fields: Field[];
  /** Starts the cell on the server; background cells finish with a cell-done event. */
  run(params: Json, cell: HTMLElement): Promise<Json | undefined>;
  render(result: Json, output: HTMLElement): void | Promise<void>;
}

// Chart.js's generic types do not follow the loose configurations built here; the charts are used untyped.
type AnyChart = Chart<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const charts = new Map<string, AnyChart>();
const $ = <T extends HTMLElement>(selector: string, root: ParentNode = document) => root.querySelector(selector) as T;

/**
 * An element with attributes and children; text goes in as text nodes, never as HTML, so values
 * from the server or from an opened notebook.json cannot inject markup or script.
 */
function el(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

async function api(method: string, url: string, body?: unknown, raw?: Blob): Promise<Json> {
  const response = await fetch(url, { method, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)), headers: raw ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/json' } });
  const json = await response.json();
  if (!response.ok) throw new Error(json.error ?? `${response.status}`);
  return json;
}

/** A chart in a slot of the page, replacing the one drawn there before. */
function chart(id: string, parent: HTMLElement, config: Json): AnyChart {
  charts.get(id)?.destroy();
  let canvas = parent.querySelector<HTMLCanvasElement>(`canvas[data-chart="${id}"]`);
  if (!canvas) {
    const box = document.createElement('div');
    canvas = document.createElement('canvas');
    canvas.dataset.chart = id;
    box.append(canvas);
    parent.append(box);
  }
  const made: AnyChart = new Chart(canvas, config as never);
  charts.set(id, made);
  return made;
}

const pct = (v: number | undefined) => (v === undefined || v === null ? '-' : `${(100 * v).toFixed(2)}%`);

function table(headers: string[], rows: (string | number)[][]): HTMLTableElement {
  const line = (cells: (string | number)[], tag: string) => el('tr', {}, ...cells.map((c) => el(tag, {}, String(c))));
  return el('table', {}, line(headers, 'th'), ...rows.map((r) => line(r, 'td'))) as HTMLTableElement;
}

function histogramChart(id: string, parent: HTMLElement, title: string, series: { label: string; h: Json; color: string }[], threshold?: number): void {
  const points = (h: Json) => h.counts.map((count: number, k: number) => ({ x: h.min + ((k + 0.5) * (h.max - h.min)) / h.counts.length, y: count }));
  const datasets: Json[] = series.map((s) => ({ label: s.label, data: points(s.h), borderColor: s.color, pointRadius: 0 }));
  if (threshold !== undefined) {
    const top = Math.max(...series.flatMap((s) => s.h.counts));
    for (const x of [-threshold, threshold]) datasets.push({ label: x > 0 ? 'threshold' : '', data: [{ x, y: 1 }, { x, y: top }], borderColor: '#c0392b', borderDash: [4, 4], pointRadius: 0 });
  }
  chart(id, parent, { type: 'line', data: { datasets } as never, options: { plugins: { title: { display: true, text: title }, legend: { labels: { filter: (item: { text: string }) => item.text !== '' } } }, scales: { x: { type: 'linear' }, y: { type: 'logarithmic' } } } });
}

/** Live training charts of a stage cell: curves per epoch, per-layer sparsity, histograms. */
function liveTraining(output: HTMLElement, prefix: string) {
  output.replaceChildren(el('p', { class: 'progress' }, 'starting'), el('div', { class: 'charts' }), el('div', { class: 'histograms' }));
  const grid = $('.charts', output);
  const curves = chart(`${prefix}-curves`, grid, {
    type: 'line',
    data: { labels: [], datasets: [
      { label: 'training loss', data: [], yAxisID: 'loss', borderColor: '#c0392b' },
      { label: 'test accuracy %', data: [], yAxisID: 'percent', borderColor: '#2471a3' },
      { label: 'sparsity %', data: [], yAxisID: 'percent', borderColor: '#229954' } ] },
    options: { scales: { loss: { position: 'left' }, percent: { position: 'right', min: 0, max: 100 } } },
  });
  const layers = chart(`${prefix}-layers`, grid, { type: 'line', data: { labels: [], datasets: [] }, options: { plugins: { title: { display: true, text: 'per-layer sparsity %' } }, scales: { y: { min: 0, max: 100 } } } });
  return {
    batch(p: Json) {
      $('.progress', output).textContent = `epoch ${p.epoch + 1}/${p.epochs}, batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(4)}, ${Math.round(p.samplesPerSecond)} samples/s`;
    },
    epoch(p: Json) {
      curves.data.labels!.push(`e${p.epoch + 1}`);
      curves.data.datasets[0].data.push(p.loss);
      curves.data.datasets[1].data.push((p.quantizedAccuracy ?? 0) * 100);
      curves.data.datasets[2].data.push(p.sparsity * 100);
      curves.update();
      layers.data.labels!.push(`e${p.epoch + 1}`);
      (p.layerSparsity as { name: string; sparsity: number }[]).forEach((l, i) => {
        if (!layers.data.datasets[i]) layers.data.datasets.push({ label: l.name, data: [] });
        layers.data.datasets[i].data.push(l.sparsity * 100);
      });
      layers.update();
      const box = $('.histograms', output);
      (p.histograms as Json[]).forEach((h, i) => histogramChart(`${prefix}-hist-${i}`, box, h.name, [{ label: `epoch ${p.epoch + 1}`, h, color: '#2471a3' }]));
    },
  };
}

const live: Record<string, ReturnType<typeof liveTraining>> = {};
/** The latest result of each cell (the export cell runs the data cell's samples). */
const results: Record<string, Json> = {};

const numbers = (params: Json) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Number(v)]));

/** The parameters every training cell has. */
const trainingFields = (epochs: string): Field[] => [
  { name: 'epochs', label: 'epochs', value: epochs, type: 'number' },
  { name: 'batchSize', label: 'batch size', value: '100', type: 'number' },
  { name: 'learningRate', label: 'learning rate', value: '0.003', type: 'number' },
];

/** Starts a training cell on the server with live charts in its output; it ends with a cell-done event. */
const runTraining = (id: 'stage1' | 'stage3') => (params: Json, cell: HTMLElement) => {
  live[id] = liveTraining($('.output', cell), id);
  return api('POST', `/api/cells/${id}`, numbers(params));
};

const CELLS: CellSpec[] = [
  {
    id: 'data',
    title: '1. Data',
    fields: [
      { name: 'dataset', label: 'dataset or folder', value: 'mnist-10k', options: ['mnist-10k', 'mnist', 'fashion-mnist', 'cifar10', 'cifar100'] },
      { name: 'size', label: 'image size (a folder of images: n or h,w)', value: '' },
    ],
    run: (params) => api('POST', '/api/cells/data', params),
    render(r, output) {
      output.replaceChildren(el('p', {}, `${r.name}: ${r.train} training and ${r.test} test images of ${r.imageShape.join('x')} from ${r.source}`), el('div', { class: 'samples' }));
      const [h, w, c] = r.imageShape;
      for (const pixels of r.samples as number[][]) {
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const image = canvas.getContext('2d')!.createImageData(w, h);
        for (let i = 0; i < h * w; i++) {
          for (let k = 0; k < 3; k++) image.data[i * 4 + k] = pixels[i * c + (c === 3 ? k : 0)];
          image.data[i * 4 + 3] = 255;
        }
        canvas.getContext('2d')!.putImageData(image, 0, 0);
        $('.samples', output).append(canvas);
      }
      chart('data-counts', output, { type: 'bar', data: { labels: r.classes, datasets: [{ label: 'training images per class', data: r.counts, backgroundColor: '#2471a3' }] } });
    },
  },
  {
    id: 'model',
    title: '2. Model',
    fields: [
      { name: 'topology', label: 'topology', value: 'sfc', options: ['tfc', 'sfc', 'lfc', 'cnv', 'lenet5', 'vgg7'] },
      { name: 'width', label: 'width multiplier', value: '1', type: 'number' },
      { name: 'seed', label: 'seed', value: '1', type: 'number' },
      { name: 'file', label: 'or an .onnx file', value: '', type: 'file' },
    ],
    run(params, cell) {
      const file = $<HTMLInputElement>('input[name="file"]', cell).files?.[0];
      if (file) return api('POST', `/api/cells/upload?name=${encodeURIComponent(file.name)}`, undefined, file);
      return api('POST', '/api/cells/model', { topology: params.topology, width: Number(params.width), seed: Number(params.seed) });
    },
    render(r, output) {
      output.replaceChildren(el('p', {}, `${r.name}: input ${r.input.join('x')}, ${r.parameters.toLocaleString()} parameters, test accuracy before training ${pct(r.accuracyBefore)}${r.restoredBatchNorm ? `; BatchNorm restored after ${r.restoredBatchNorm} convolutions` : ''}`));
      output.append(table(['layer', 'type', 'output', 'parameters'], r.layers.map((l: Json) => [l.name, l.type, l.output, l.parameters])));
    },
  },
  {
    id: 'stage1',
    title: '3. Stage 1: ternary training with the quantization threshold regularizer',
    fields: [
      ...trainingFields('2'),
      { name: 't', label: 'threshold factor t', value: '1.7', type: 'number' },
      { name: 'qtrLambda', label: 'qtr-cost lambda', value: '0.00002', type: 'number' },
    ],
    run: runTraining('stage1'),
    render(r, output) {
      if (!live.stage1) {
        live.stage1 = liveTraining(output, 'stage1');
        for (const e of r.history) live.stage1.epoch({ ...e, layerSparsity: [], histograms: [] });
      }
      $('.progress', output).textContent = `done: ${pct(r.final?.sparsity)} of the weights quantize to zero; test accuracy ${pct(r.final?.quantizedAccuracy)}`;
      const box = $('.histograms', output);
      r.histograms.beforeStage1.forEach((before: Json, i: number) =>
        histogramChart(`stage1-hist-${i}`, box, before.name, [{ label: 'before stage 1', h: before, color: '#909497' }, { label: 'after stage 1', h: r.histograms.afterStage1[i], color: '#2471a3' }]),
      );
    },
  },
  {
    id: 'prune',
    title: '4. Quantization pruning',
    fields: [],
    run: () => api('POST', '/api/cells/prune'),
    render(r, output) {
      output.replaceChildren(el('div', { class: 'charts' }), el('div', { class: 'histograms' }));
      chart('prune-bars', $('.charts', output), { type: 'bar', data: { labels: r.layers.map((l: Json) => l.name), datasets: [{ label: 'pruned %', data: r.layers.map((l: Json) => l.sparsity * 100), backgroundColor: '#229954' }] }, options: { scales: { y: { min: 0, max: 100 } } } });
      const box = $('.histograms', output);
      box.dataset.zeroBins = JSON.stringify(r.after.map((h: Json) => h.counts[Math.floor(h.counts.length / 2)]));
      box.dataset.zeroBinsBefore = JSON.stringify(r.before.map((h: Json) => h.counts[Math.floor(h.counts.length / 2)]));
      r.before.forEach((before: Json, i: number) =>
        histogramChart(`prune-hist-${i}`, box, before.name, [{ label: 'after stage 1', h: before, color: '#909497' }, { label: 'pruned', h: r.after[i], color: '#229954' }], r.thresholds[i].delta),
      );
    },
  },
  {
    id: 'stage3',
    title: '5. Retraining with the mask fixed',
    fields: trainingFields('1'),
    run: runTraining('stage3'),
    render(r, output) {
      if (!live.stage3) live.stage3 = liveTraining(output, 'stage3');
      $('.progress', output).textContent = `deployed sparse ternary test accuracy ${pct(r.accuracy)} (float shadow weights ${pct(r.floatAccuracy)}) at ${pct(r.sparsity)} sparsity`;
      output.append(table(['layer', 'sparsity', 'alpha', 'Delta'], r.layers.map((l: Json) => [l.name, pct(l.sparsity), l.alpha.toExponential(3), l.delta.toExponential(3)])));
    },
  },
  {
    id: 'cost',
    title: '6. Hardware cost',
    fields: [],
    run: () => api('POST', '/api/cells/cost'),
    render(r, output) {
      output.replaceChildren(el('p', {}, `sparse ternary kernels are ${r.ratios.binary.toFixed(1)}x smaller than binary and ${r.ratios.ternary.toFixed(1)}x smaller than dense 2-bit ternary`));
      const m = r.memory;
      chart('cost-bars', output, { type: 'bar', data: { labels: ['float32', 'binary', 'dense ternary', 'sparse ternary'], datasets: [{ label: 'kernel memory (KiB)', data: [m.float32, m.binary, m.ternary, m.sparseTernary].map((b) => b / 8192), backgroundColor: '#7d3c98' }] }, options: { indexAxis: 'y', scales: { x: { type: 'logarithmic' } } } });
      output.append(table(['layer', 'kind', 'MH x MW', 'sparsity', 'sparse ternary (KiB)', 'encoding'], r.layers.map((l: Json) => [l.name, l.kind, `${l.rows} x ${l.cols}`, pct(l.sparsity), (l.memory.sparseTernary.bits / 8192).toFixed(1), l.memory.sparseTernary.encoding])));
      output.append(table(['FPGA (Zynq-7020, estimate)', 'frames/s', 'LUTs', 'BRAM36', 'fits'], Object.entries(r.fpga as Record<string, Json>).map(([k, e]) => [k, Math.round(e.framesPerSecond), e.luts, e.bram36, e.fits ? 'yes' : 'no'])));
    },
  },
  {
    id: 'export',
    title: '7. Export',
    fields: [],
    run: () => api('POST', '/api/cells/export'),
    async render(r, output) {
      const links = (r.files as string[]).flatMap((f, i) => [...(i ? [' \u00b7 '] : []), el('a', { download: f, href: `/api/export/${encodeURIComponent(f)}` }, f)]);
      output.replaceChildren(el('p', {}, ...links), el('p', { class: 'runtime' }, 'running model.stpack in this page'));
      // The packed model, run here by @sparse-ternary/runtime on the data cell's sample images.
      const bytes = new Uint8Array(await (await fetch('/api/export/model.stpack')).arrayBuffer());
      const model = load(bytes);
      const samples = (results.data?.samples ?? []) as number[][];
      const input = Float32Array.from(samples.flat(), (p) => p / 255);
      const outputs = model.predict(input, samples.length);
      const classes = samples.map((_, n) => {
        const row = Array.from(outputs.subarray(n * model.outputSize, (n + 1) * model.outputSize));
        return row.indexOf(Math.max(...row));
      });
      const agree = classes.filter((c, n) => c === r.sampleClasses[n]).length;
      const line = $('.runtime', output);
      line.dataset.agree = String(agree);
      line.textContent = `In this page, ${(bytes.length / 1024).toFixed(1)} KiB packed (${(100 * (model.info?.sparsity as number)).toFixed(1)}% zeros): predicted classes ${classes.join(' ')}; the server's TF.js model agrees on ${agree} of ${classes.length}.`;
    },
  },
  {
    id: 'sweep',
    title: 'Sweep: accuracy against memory over QTR strengths',
    fields: [
      { name: 'lambdas', label: 'qtr-cost lambdas', value: '0, 0.00002, 0.0001' },
      { name: 'epochs', label: 'epochs per stage', value: '1', type: 'number' },
    ],
    async run(params, cell) {
      const output = $('.output', cell);
      output.replaceChildren();
      chart('sweep', output, { type: 'scatter', data: { datasets: [{ label: 'test accuracy % vs kernel KiB', data: [], backgroundColor: '#c0392b' }] }, options: { scales: { x: { title: { display: true, text: 'KiB' } }, y: { title: { display: true, text: 'accuracy %' } } } } });
      return api('POST', '/api/cells/sweep', { lambdas: String(params.lambdas).split(',').map(Number), epochs: Number(params.epochs) });
    },
    render(r, output) {
      if (!charts.has('sweep')) chart('sweep', output, { type: 'scatter', data: { datasets: [{ label: 'test accuracy % vs kernel KiB', data: [] }] } });
      const sweep = charts.get('sweep')!;
      sweep.data.datasets[0].data = r.points.map((p: Json) => ({ x: p.kiB, y: p.accuracy * 100 }));
      sweep.update();
      output.append(table(['lambda', 'accuracy', 'sparsity', 'KiB'], r.points.map((p: Json) => [p.lambda, pct(p.accuracy), pct(p.sparsity), p.kiB.toFixed(1)])));
    },
  },
];

function paramsOf(cell: HTMLElement): Json {
  return Object.fromEntries([...cell.querySelectorAll<HTMLInputElement>('form [name]')].filter((i) => i.type !== 'file').map((i) => [i.name, i.value]));
}

async function showResult(spec: CellSpec, result: Json): Promise<void> {
  const cell = document.getElementById(`cell-${spec.id}`)!;
  cell.classList.remove('stale');
  results[spec.id] = result;
  const output = $('.output', cell);
  if (!['stage1', 'stage3', 'sweep'].includes(spec.id)) output.replaceChildren();
  try {
    await spec.render(result, output);
    cell.dataset.state = 'done';
  } catch (error) {
    showError(spec.id, (error as Error).message);
  }
}

function showError(id: string, message: string): void {
  const cell = document.getElementById(`cell-${id}`)!;
  cell.dataset.state = 'error';
  $('.output', cell).append(el('p', { class: 'error' }, message));
}

function build(): void {
  const main = $('#cells');
  for (const spec of CELLS) {
    const cell = document.createElement('section');
    cell.className = 'cell';
    cell.id = `cell-${spec.id}`;
    const fields = spec.fields.map((f) => {
      if (f.options) {
        const select = el('select', { name: f.name }, ...f.options.map((o) => el('option', o === f.value ? { selected: '' } : {}, o)));
        return el('label', {}, f.label, select);
      }
      const input = el('input', { name: f.name, type: f.type ?? 'text', ...(f.type === 'file' ? { accept: '.onnx' } : { step: 'any' }) }) as HTMLInputElement;
      input.value = f.value;
      return el('label', {}, f.label, input);
    });
    cell.replaceChildren(el('h2', {}, spec.title), el('form', {}, ...fields, el('button', { type: 'submit' }, 'Run')), el('div', { class: 'output' }));
    $('form', cell).addEventListener('submit', async (event) => {
      event.preventDefault();
      cell.dataset.state = 'running';
      $('.output', cell).querySelectorAll('.error').forEach((e) => e.remove());
      try {
        const result = await spec.run(paramsOf(cell), cell);
        if (result && !result.started) await showResult(spec, result);
      } catch (error) {
        showError(spec.id, (error as Error).message);
      }
    });
    main.append(cell);
  }
}

function connect(): void {
  const events = new EventSource('/api/events');
  const status = $('#status');
  events.onopen = () => (status.textContent = 'connected');
  events.onerror = () => (status.textContent = 'disconnected: retrying');
  const on = (name: string, handle: (data: Json) => void) => events.addEventListener(name, (e) => handle(JSON.parse((e as MessageEvent).data)));
  // The server names the training cell an event belongs to.
  on('batch', (p) => live[p.cell]?.batch(p));
  on('epoch', (p) => live[p.cell]?.epoch(p));
  on('cell-done', ({ cell, result }) => showResult(CELLS.find((c) => c.id === cell)!, result));
  on('cell-error', ({ cell, error }) => showError(cell, error));
  on('sweep-point', (p) => {
    const sweep = charts.get('sweep');
    sweep?.data.datasets[0].data.push({ x: p.kiB, y: p.accuracy * 100 });
    sweep?.update();
  });
  on('invalidated', ({ after }) => {
    const ids = CELLS.map((c) => c.id);
    for (const id of ids.slice(ids.indexOf(after) + 1)) document.getElementById(`cell-${id}`)?.classList.add('stale');
  });
}

/** A saved notebook: per cell, its parameters (plain values) and its last result (an object). */
interface NotebookFile {
  params?: Record<string, Record<string, string | number | boolean>>;
  results?: Record<string, Json>;
}

/** An opened notebook.json, checked against that shape: only the cells of this page, only plain parameter values. */
function notebookFile(value: unknown): NotebookFile {
  const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
  const ids = CELLS.map((c) => c.id);
  if (!isObject(value)) throw new Error('expected a JSON object');
  for (const key of ['params', 'results'] as const) {
    const section = value[key];
    if (section === undefined) continue;
    if (!isObject(section)) throw new Error(`${key} must be an object`);
    for (const [cell, entry] of Object.entries(section)) {
      if (!ids.includes(cell)) throw new Error(`${key}: no cell '${cell}'`);
      if (!isObject(entry)) throw new Error(`${key}.${cell} must be an object`);
      if (key === 'params' && Object.values(entry).some((v) => !['string', 'number', 'boolean'].includes(typeof v))) throw new Error(`params.${cell} must hold plain values`);
    }
  }
  return value as NotebookFile;
}

/** Save: the server's state of every cell, as a file. Open: its parameters and results shown again. */
function persistence(): void {
  $('#save').addEventListener('click', async () => {
    const state = await api('GET', '/api/state');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(state, null, 1)], { type: 'application/json' }));
    link.download = 'notebook.json';
    link.click();
  });
  $<HTMLInputElement>('#open').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    let state: NotebookFile;
    try {
      state = notebookFile(JSON.parse(await file.text()));
    } catch (error) {
      $('#status').textContent = `${file.name} is not a saved notebook: ${(error as Error).message}`;
      return;
    }
    for (const spec of CELLS) {
      const cell = document.getElementById(`cell-${spec.id}`)!;
      for (const [name, value] of Object.entries((state.params?.[spec.id] ?? {}) as Json)) {
        const input = cell.querySelector<HTMLInputElement>(`[name="${name}"]`);
        if (input && input.type !== 'file') input.value = String(value);
      }
      if (state.results?.[spec.id] && spec.id !== 'export') await showResult(spec, state.results[spec.id]);
    }
  });
  $('#stop').addEventListener('click', () => api('POST', '/api/stop'));
}

build();
connect();
persistence();
