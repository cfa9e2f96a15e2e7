// The notebook page: one cell per step, each with its fields (generated on the server from the
// run options' declaration), a Run button and outputs that stay. Training runs on the server; its
// progress arrives as server-sent events and draws live. Every answer, event and opened
// notebook.json is checked against protocol/messages.ts before it is read.
import { load, PACKED_FILE } from '@sparse-ternary/runtime';
import Chart from 'chart.js/auto';
import { TRAINING_CELLS, type CellName } from '../protocol/cells';
import {
  checkNotebookFile,
  checkResult,
  ErrorShape,
  EVENTS,
  FieldsShape,
  StartedShape,
  StateShape,
  StoppedShape,
  type CellResults,
  type EventName,
  type Events,
  type Field,
} from '../protocol/messages';
import { anyObject, type Shape } from '../protocol/shapes';

Chart.defaults.animation = false;

type Json = Record<string, unknown>;
type Params = Record<string, string | boolean>;

interface CellSpec<C extends CellName = CellName> {
  id: C;
  title: string;
  /** Starts the cell on the server: its result, or undefined for a cell that trains in the background (a cell-done event brings its result). */
  run(params: Params, cell: HTMLElement): Promise<CellResults[C] | undefined>;
  render(result: CellResults[C], output: HTMLElement): void | Promise<void>;
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

/** A request to the server, its answer checked against the shape expected (or the error it sent). */
async function api<T>(method: string, url: string, shape: Shape<T>, body?: unknown, raw?: Blob): Promise<T> {
  const response = await fetch(url, { method, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)), headers: raw ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/json' } });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(ErrorShape.check(json, `${method} ${url}`).error);
  return shape.check(json, `${method} ${url}`);
}

/** A cell's run on the server: its checked result, or undefined once a training cell has started. */
const runCell = async <C extends CellName>(id: C, body: unknown, raw?: Blob, path = id as string): Promise<CellResults[C] | undefined> => {
  const answer = await api('POST', `/api/cells/${path}`, anyObject, body, raw);
  if (TRAINING_CELLS.includes(id)) {
    StartedShape.check(answer, `POST /api/cells/${path}`);
    return undefined;
  }
  return checkResult(id, answer, `POST /api/cells/${path}`);
};

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

const pct = (v: number | undefined) => (v === undefined ? '-' : `${(100 * v).toFixed(2)}%`);

function table(headers: string[], rows: (string | number)[][]): HTMLTableElement {
  const line = (cells: (string | number)[], tag: string) => el('tr', {}, ...cells.map((c) => el(tag, {}, String(c))));
  return el('table', {}, line(headers, 'th'), ...rows.map((r) => line(r, 'td'))) as HTMLTableElement;
}

type Histogram = CellResults['stage1']['histograms']['beforeStage1'][number];

function histogramChart(id: string, parent: HTMLElement, title: string, series: { label: string; h: Histogram; color: string }[], threshold?: number): void {
  const points = (h: Histogram) => h.counts.map((count, k) => ({ x: h.min + ((k + 0.5) * (h.max - h.min)) / h.counts.length, y: count }));
  const datasets: Json[] = series.map((s) => ({ label: s.label, data: points(s.h), borderColor: s.color, pointRadius: 0 }));
  if (threshold !== undefined) {
    const top = Math.max(...series.flatMap((s) => s.h.counts));
    for (const x of [-threshold, threshold]) datasets.push({ label: x > 0 ? 'threshold' : '', data: [{ x, y: 1 }, { x, y: top }], borderColor: '#c0392b', borderDash: [4, 4], pointRadius: 0 });
  }
  chart(id, parent, { type: 'line', data: { datasets } as never, options: { plugins: { title: { display: true, text: title }, legend: { labels: { filter: (item: { text: string }) => item.text !== '' } } }, scales: { x: { type: 'linear' }, y: { type: 'logarithmic' } } } });
}

type EpochPoint = Pick<Events['epoch'], 'epoch' | 'loss' | 'quantizedAccuracy' | 'sparsity'> & Partial<Pick<Events['epoch'], 'layerSparsity' | 'histograms'>>;

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
    batch(p: Events['batch']) {
      $('.progress', output).textContent = `epoch ${p.epoch + 1}/${p.epochs}, batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(4)}, ${Math.round(p.samplesPerSecond)} samples/s`;
    },
    epoch(p: EpochPoint) {
      curves.data.labels!.push(`e${p.epoch + 1}`);
      curves.data.datasets[0].data.push(p.loss);
      curves.data.datasets[1].data.push((p.quantizedAccuracy ?? 0) * 100);
      curves.data.datasets[2].data.push(p.sparsity * 100);
      curves.update();
      layers.data.labels!.push(`e${p.epoch + 1}`);
      (p.layerSparsity ?? []).forEach((l, i) => {
        if (!layers.data.datasets[i]) layers.data.datasets.push({ label: l.name, data: [] });
        layers.data.datasets[i].data.push(l.sparsity * 100);
      });
      layers.update();
      const box = $('.histograms', output);
      (p.histograms ?? []).forEach((h, i) => histogramChart(`${prefix}-hist-${i}`, box, h.name, [{ label: `epoch ${p.epoch + 1}`, h, color: '#2471a3' }]));
    },
  };
}

const live: Partial<Record<CellName, ReturnType<typeof liveTraining>>> = {};
/** The latest result of each cell. */
const results: Partial<CellResults> = {};

/** Starts a training cell on the server with live charts in its output; it ends with a cell-done event. */
const runTraining = <C extends 'stage1' | 'stage3'>(id: C) => (params: Params, cell: HTMLElement) => {
  live[id] = liveTraining($('.output', cell), id);
  return runCell(id, params);
};

const sweepChart = (output: HTMLElement) =>
  chart('sweep', output, { type: 'scatter', data: { datasets: [{ label: 'test accuracy % vs kernel KiB', data: [], backgroundColor: '#c0392b' }] }, options: { scales: { x: { title: { display: true, text: 'KiB' } }, y: { title: { display: true, text: 'accuracy %' } } } } });

const cellSpec = <C extends CellName>(spec: CellSpec<C>) => spec as unknown as CellSpec;

const CELLS: CellSpec[] = [
  cellSpec({
    id: 'data',
    title: '1. Data',
    run: (params) => runCell('data', params),
    render(r, output) {
      output.replaceChildren(el('p', {}, `${r.name}: ${r.train} training${r.validation ? `, ${r.validation} validation` : ''} and ${r.test} test images of ${r.imageShape.join('x')} from ${r.source}`), el('div', { class: 'samples' }));
      const [h, w, c] = r.imageShape;
      for (const pixels of r.samples) {
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
  }),
  cellSpec({
    id: 'model',
    title: '2. Model',
    run(params, cell) {
      const file = $<HTMLInputElement>('input[name="file"]', cell).files?.[0];
      if (file) return runCell('model', undefined, file, `upload?name=${encodeURIComponent(file.name)}`);
      return runCell('model', params);
    },
    render(r, output) {
      output.replaceChildren(el('p', {}, `${r.name}: input ${r.input.join('x')}, ${r.parameters.toLocaleString()} parameters, test accuracy before training ${pct(r.accuracyBefore)}${r.restoredBatchNorm ? `; BatchNorm restored after ${r.restoredBatchNorm} convolutions` : ''}`));
      output.append(table(['layer', 'type', 'output', 'parameters'], r.layers.map((l) => [l.name, l.type, l.output, l.parameters])));
    },
  }),
  cellSpec({
    id: 'stage1',
    title: '3. Stage 1: ternary training with the quantization threshold regularizer',
    run: runTraining('stage1'),
    render(r, output) {
      if (!live.stage1) {
        live.stage1 = liveTraining(output, 'stage1');
        for (const e of r.history) live.stage1.epoch(e);
      }
      $('.progress', output).textContent = `done: ${pct(r.final?.sparsity)} of the weights quantize to zero; test accuracy ${pct(r.final?.quantizedAccuracy)}`;
      const box = $('.histograms', output);
      r.histograms.beforeStage1.forEach((before, i) =>
        histogramChart(`stage1-hist-${i}`, box, before.name, [{ label: 'before stage 1', h: before, color: '#909497' }, { label: 'after stage 1', h: r.histograms.afterStage1[i], color: '#2471a3' }]),
      );
    },
  }),
  cellSpec({
    id: 'prune',
    title: '4. Quantization pruning',
    run: (params) => runCell('prune', params),
    render(r, output) {
      output.replaceChildren(el('div', { class: 'charts' }), el('div', { class: 'histograms' }));
      chart('prune-bars', $('.charts', output), { type: 'bar', data: { labels: r.layers.map((l) => l.name), datasets: [{ label: 'pruned %', data: r.layers.map((l) => l.sparsity * 100), backgroundColor: '#229954' }] }, options: { scales: { y: { min: 0, max: 100 } } } });
      const box = $('.histograms', output);
      box.dataset.zeroBins = JSON.stringify(r.after.map((h) => h.counts[Math.floor(h.counts.length / 2)]));
      box.dataset.zeroBinsBefore = JSON.stringify(r.before.map((h) => h.counts[Math.floor(h.counts.length / 2)]));
      r.before.forEach((before, i) =>
        histogramChart(`prune-hist-${i}`, box, before.name, [{ label: 'after stage 1', h: before, color: '#909497' }, { label: 'pruned', h: r.after[i], color: '#229954' }], r.thresholds[i].delta),
      );
    },
  }),
  cellSpec({
    id: 'stage3',
    title: '5. Retraining with the mask fixed',
    run: runTraining('stage3'),
    render(r, output) {
      if (!live.stage3) live.stage3 = liveTraining(output, 'stage3');
      const validation = r.validationAccuracy === undefined ? '' : `, validation ${pct(r.validationAccuracy)}`;
      $('.progress', output).textContent = `deployed sparse ternary test accuracy ${pct(r.accuracy)}${validation} (float shadow weights ${pct(r.floatAccuracy)}) at ${pct(r.sparsity)} sparsity`;
      output.append(table(['layer', 'sparsity', 'alpha', 'Delta'], r.layers.map((l) => [l.name, pct(l.sparsity), l.alpha.toExponential(3), l.delta.toExponential(3)])));
    },
  }),
  cellSpec({
    id: 'cost',
    title: '6. Hardware cost',
    run: () => runCell('cost', {}),
    render(r, output) {
      output.replaceChildren(el('p', {}, `sparse ternary kernels are ${r.ratios.binary.toFixed(1)}x smaller than binary and ${r.ratios.ternary.toFixed(1)}x smaller than dense 2-bit ternary`));
      const m = r.memory;
      chart('cost-bars', output, { type: 'bar', data: { labels: ['float32', 'binary', 'dense ternary', 'sparse ternary'], datasets: [{ label: 'kernel memory (KiB)', data: [m.float32, m.binary, m.ternary, m.sparseTernary].map((b) => b / 8192), backgroundColor: '#7d3c98' }] }, options: { indexAxis: 'y', scales: { x: { type: 'logarithmic' } } } });
      output.append(table(['layer', 'kind', 'MH x MW', 'sparsity', 'sparse ternary (KiB)', 'encoding'], r.layers.map((l) => [l.name, l.kind, `${l.rows} x ${l.cols}`, pct(l.sparsity), (l.memory.sparseTernary.bits / 8192).toFixed(1), l.memory.sparseTernary.encoding])));
      output.append(table(['FPGA (Zynq-7020, estimate)', 'frames/s', 'LUTs', 'BRAM36', 'fits'], Object.entries(r.fpga).map(([k, e]) => [k, Math.round(e.framesPerSecond), e.luts, e.bram36, e.fit])));
    },
  }),
  cellSpec({
    id: 'export',
    title: '7. Export',
    run: () => runCell('export', {}),
    async render(r, output) {
      const links = r.files.flatMap((f, i) => [...(i ? [' \u00b7 '] : []), el('a', { download: f, href: `/api/export/${encodeURIComponent(f)}` }, f)]);
      output.replaceChildren(el('p', {}, ...links), el('p', { class: 'runtime' }, `running ${PACKED_FILE} in this page`));
      // The packed model, run here by @sparse-ternary/runtime on the sample images as the server's model took them.
      const bytes = new Uint8Array(await (await fetch(`/api/export/${PACKED_FILE}`)).arrayBuffer());
      const model = load(bytes);
      const count = r.sampleClasses.length;
      const outputs = model.predict(Float32Array.from(r.sampleInput), count);
      const classes = Array.from({ length: count }, (_, n) => {
        const row = Array.from(outputs.subarray(n * model.outputSize, (n + 1) * model.outputSize));
        return row.indexOf(Math.max(...row));
      });
      const agree = classes.filter((c, n) => c === r.sampleClasses[n]).length;
      const line = $('.runtime', output);
      line.dataset.agree = String(agree);
      line.textContent = `In this page, ${(bytes.length / 1024).toFixed(1)} KiB packed (${(100 * (model.info?.sparsity as number)).toFixed(1)}% zeros): predicted classes ${classes.join(' ')}; the server's TF.js model agrees on ${agree} of ${count}.`;
    },
  }),
  cellSpec({
    id: 'sweep',
    title: 'Sweep: accuracy against memory, one whole compression per value of an option',
    async run(params, cell) {
      const output = $('.output', cell);
      output.replaceChildren();
      sweepChart(output);
      return runCell('sweep', params);
    },
    render(r, output) {
      const sweep = charts.get('sweep') ?? sweepChart(output);
      sweep.data.datasets[0].data = r.points.map((p) => ({ x: p.kiB, y: p.accuracy * 100 }));
      sweep.update();
      output.append(table([r.option, 'accuracy', 'sparsity', 'KiB'], r.points.map((p) => [p.value, pct(p.accuracy), pct(p.sparsity), p.kiB.toFixed(1)])));
    },
  }),
];

/** A cell's parameters: its fields' values (switches as true or false). */
function paramsOf(cell: HTMLElement): Params {
  const inputs = [...cell.querySelectorAll<HTMLInputElement>('form [name]')].filter((i) => i.type !== 'file');
  return Object.fromEntries(inputs.map((i) => [i.name, i.type === 'checkbox' ? i.checked : i.value]));
}

async function showResult(spec: CellSpec, result: CellResults[CellName]): Promise<void> {
  const cell = document.getElementById(`cell-${spec.id}`)!;
  cell.classList.remove('stale');
  (results as Record<string, unknown>)[spec.id] = result;
  const output = $('.output', cell);
  if (!TRAINING_CELLS.includes(spec.id)) output.replaceChildren();
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

/** An input for a field: a select for choices, a checkbox for a switch, suggestions for names. */
function input(field: Field): HTMLElement {
  const attributes = { name: field.name, title: field.help };
  if (field.kind === 'select') return el('select', attributes, ...(field.choices ?? []).map((o) => el('option', o === String(field.value) ? { selected: '' } : {}, o)));
  const element = el('input', { ...attributes, type: field.kind === 'number' ? 'number' : field.kind === 'checkbox' ? 'checkbox' : 'text', ...(field.kind === 'number' ? { step: 'any' } : {}), ...(field.optional ? { placeholder: 'unset' } : {}) }) as HTMLInputElement;
  if (field.kind === 'checkbox') element.checked = field.value === true;
  else element.value = String(field.value);
  if (!field.suggestions) return element;
  element.setAttribute('list', `${field.name}-suggestions`);
  return el('span', {}, element, el('datalist', { id: `${field.name}-suggestions` }, ...field.suggestions.map((s) => el('option', { value: s }))));
}

function build(fields: Record<string, Field[]>): void {
  const main = $('#cells');
  for (const spec of CELLS) {
    const cell = document.createElement('section');
    cell.className = 'cell';
    cell.id = `cell-${spec.id}`;
    const labels = (fields[spec.id] ?? []).map((f) => el('label', { title: f.help }, f.label, input(f)));
    if (spec.id === 'model') labels.push(el('label', {}, 'or an .onnx file', el('input', { name: 'file', type: 'file', accept: '.onnx' })));
    cell.replaceChildren(el('h2', {}, spec.title), el('form', {}, ...labels, el('button', { type: 'submit' }, 'Run')), el('div', { class: 'output' }));
    $('form', cell).addEventListener('submit', async (event) => {
      event.preventDefault();
      cell.dataset.state = 'running';
      $('.output', cell).querySelectorAll('.error').forEach((e) => e.remove());
      try {
        const result = await spec.run(paramsOf(cell), cell);
        if (result) await showResult(spec, result);
      } catch (error) {
        showError(spec.id, (error as Error).message);
      }
    });
    main.append(cell);
  }
}

const specOf = (id: CellName) => CELLS.find((c) => c.id === id)!;

function connect(): void {
  const events = new EventSource('/api/events');
  const status = $('#status');
  events.onopen = () => (status.textContent = 'connected');
  events.onerror = () => (status.textContent = 'disconnected: retrying');
  /** An event's data, checked against its shape; a malformed one is reported, not read. */
  const on = <E extends EventName>(name: E, handle: (data: Events[E]) => void) =>
    events.addEventListener(name, (e) => {
      try {
        handle(EVENTS[name].check(JSON.parse((e as MessageEvent).data), `event ${name}`) as Events[E]);
      } catch (error) {
        status.textContent = `malformed message from the server: ${(error as Error).message}`;
      }
    });
  // The server names the training cell an event belongs to.
  on('batch', (p) => live[p.cell]?.batch(p));
  on('epoch', (p) => live[p.cell]?.epoch(p));
  on('cell-done', ({ cell, result }) => showResult(specOf(cell), checkResult(cell, result)));
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

/** Save: the server's state of every cell, as a file. Open: its parameters and results shown again. */
function persistence(): void {
  $('#save').addEventListener('click', async () => {
    const state = await api('GET', '/api/state', StateShape);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(state, null, 1)], { type: 'application/json' }));
    link.download = 'notebook.json';
    link.click();
  });
  $<HTMLInputElement>('#open').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    let state: ReturnType<typeof checkNotebookFile>;
    try {
      state = checkNotebookFile(JSON.parse(await file.text()));
    } catch (error) {
      $('#status').textContent = `${file.name} is not a saved notebook: ${(error as Error).message}`;
      return;
    }
    for (const spec of CELLS) {
      const cell = document.getElementById(`cell-${spec.id}`)!;
      for (const [name, value] of Object.entries(state.params?.[spec.id] ?? {})) {
        const field = cell.querySelector<HTMLInputElement>(`[name="${CSS.escape(name)}"]`);
        if (!field || field.type === 'file') continue;
        if (field.type === 'checkbox') field.checked = value === true;
        else field.value = String(value);
      }
      const result = state.results[spec.id];
      if (result && spec.id !== 'export') await showResult(spec, result);
    }
  });
  $('#stop').addEventListener('click', () => api('POST', '/api/stop', StoppedShape));
}

api('GET', '/api/fields', FieldsShape).then((fields) => {
  build(fields);
  connect();
  persistence();
}, (error: Error) => ($('#status').textContent = `cannot start: ${error.message}`));
