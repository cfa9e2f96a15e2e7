// The notebook end to end in headless Chromium (cells 1-7 with a tiny model and budget), and its
// server's guards: path traversal, upload size, malformed uploads.
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { withChromium } from '../../../tools/testing/chromium';
import { fixture } from '../../../tools/testing/fixtures';
import { CHROMIUM, testWith } from '../../../tools/testing/system_tools';
import type { AddressInfo } from 'node:net';
import { checkResult, startNotebookServer, type CellName, type NotebookServer } from './index';

const ARTIFACTS = path.resolve(__dirname, '../test-artifacts');
const UPLOAD_LIMIT = 64 * 1024;
let server: NotebookServer;

beforeAll(async () => {
  server = await startNotebookServer({ clientDir: path.resolve(__dirname, '../dist/client'), backend: 'ort', maxUploadBytes: UPLOAD_LIMIT });
});
afterAll(() => server.close());

/** fetch on a notebook's API, with its token (as a script would send it). */
const api = (of: NotebookServer, url: string, init: Parameters<typeof fetch>[1] = {}) =>
  fetch(new URL(url, of.url), { ...init, headers: { ...(init.headers as Record<string, string>), 'x-notebook-token': of.token } });

/** A raw request (fetch would normalize the path and set its own Host), with the headers given. */
function rawRequest(of: NotebookServer, options: { path: string; method?: string; headers?: Record<string, string> }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(of.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: options.path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The part of a browser canvas the test reads (the workspace compiles without the DOM types). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

/** Painted pixels of every chart canvas inside a selector. */
const paintedCharts = (page: Page, selector: string) =>
  page.$$eval(`${selector} canvas[data-chart]`, (elements) =>
    (elements as unknown as Canvas[]).map((canvas) => {
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
      return count;
    }),
  );

async function runCell(page: Page, id: string, fields: Record<string, string> = {}): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await page.fill(`#cell-${id} [name="${name}"]`, value);
  await page.click(`#cell-${id} button[type="submit"]`);
  await page.waitForSelector(`#cell-${id}[data-state="done"], #cell-${id}[data-state="error"]`, { timeout: 120_000 });
  const state = await page.getAttribute(`#cell-${id}`, 'data-state');
  if (state !== 'done') throw new Error(`cell ${id}: ${await page.textContent(`#cell-${id} .error`)}`);
}

describe('server guards', () => {
  test.each(['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/../../package.json'])('%s is refused and reads nothing outside the page', async (url) => {
    const raw = await rawRequest(server, { path: url });
    expect([403, 404]).toContain(raw.status);
    expect(raw.body).not.toContain('"name"');
  });

  test('an upload over the limit is refused with 413, and the server keeps serving', async () => {
    const response = await api(server, 'api/cells/upload?name=big.onnx', { method: 'POST', body: new Uint8Array(UPLOAD_LIMIT + 1) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/over the limit of 65536/);
    expect((await api(server, 'api/status')).status).toBe(200);
  });
});

test("an uploaded PyTorch LeNet gets BatchNorm back after its two convolutions, as the CLI's compress does", async () => {
  const own = await startNotebookServer({ clientDir: path.resolve(__dirname, '../dist/client'), backend: 'ort' });
  try {
    const post = async (cell: string, body: string | Uint8Array, type = 'application/json') =>
      (await (await api(own, `api/cells/${cell}`, { method: 'POST', body, headers: { 'content-type': type } })).json()) as Record<string, unknown>;
    await post('data', JSON.stringify({ data: 'mnist-10k' }));
    const result = await post('upload?name=lenet.onnx', readFileSync(fixture('models', 'lenet.onnx')), 'application/octet-stream');
    expect(result.restoredBatchNorm).toBe(2);
    const layers = (result.layers as { type: string }[]).map((l) => l.type);
    expect(layers.filter((t) => t === 'FusedBatchNormalization')).toHaveLength(2);
  } finally {
    await own.close();
  }
}, 60_000);

testWith(CHROMIUM)('cells 1-7 in the browser: charts draw, pruning grows the zero bin, the ONNX download runs in onnxruntime, the packed model runs in the page', async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await withChromium(async (context) => {
    const page = await context.newPage();
    // Every resource the page loads is there: no 404 for a favicon the server does not have (checked at the end).
    const failures: string[] = [];
    page.on('response', (response) => void (response.request().method() === 'GET' && response.status() >= 400 && failures.push(`${response.status()} ${response.url()}`)));
    await page.goto(server.url);
    await page.waitForSelector('#status:has-text("connected")');

    await runCell(page, 'data');
    expect(await page.$$eval('#cell-data .samples canvas', (c) => c.length)).toBe(12);

    // A malformed upload: the import error shows in the cell, and the notebook goes on.
    await page.setInputFiles('#cell-model [name="file"]', { name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not an onnx model at all') });
    await page.click('#cell-model button[type="submit"]');
    await page.waitForSelector('#cell-model[data-state="error"]');
    expect(await page.textContent('#cell-model .error')).toMatch(/broken\.onnx: not a valid ONNX model|broken\.onnx: the model has no graph/);
    await page.setInputFiles('#cell-model [name="file"]', []);

    await runCell(page, 'model', { width: '0.25' });
    expect(await page.$$eval('#cell-model tr', (rows) => rows.length)).toBeGreaterThan(4);
    await runCell(page, 'stage1', { stage1Epochs: '2' });
    await runCell(page, 'prune');
    await runCell(page, 'stage3', { stage3Epochs: '1' });
    await runCell(page, 'cost');
    await runCell(page, 'export');

    for (const [cell, count] of [['data', 1], ['stage1', 2 + 4], ['prune', 1 + 4], ['stage3', 2 + 4], ['cost', 1]] as const) {
      const painted = await paintedCharts(page, `#cell-${cell}`);
      expect({ cell, charts: painted.length }).toEqual({ cell, charts: count });
      painted.forEach((pixels) => expect(pixels).toBeGreaterThan(300));
    }
    // Pruning sends every weight under the threshold to exactly zero: the zero bin grows in every layer.
    const before = JSON.parse((await page.getAttribute('#cell-prune .histograms', 'data-zero-bins-before'))!);
    const after = JSON.parse((await page.getAttribute('#cell-prune .histograms', 'data-zero-bins'))!);
    after.forEach((count: number, i: number) => expect(count).toBeGreaterThan(before[i]));
    await page.screenshot({ path: path.join(ARTIFACTS, 'notebook.png'), fullPage: true });

    const href = await page.getAttribute('#cell-export a[download="model.int8.onnx"]', 'href');
    const bytes = new Uint8Array(await (await api(server, href!)).arrayBuffer());
    const session = await ort.InferenceSession.create(bytes);
    const input = new ort.Tensor('float32', new Float32Array(4 * 784).fill(0.5), [4, 1, 28, 28]);
    const out = await session.run({ [session.inputNames[0]]: input });
    expect(out[session.outputNames[0]].dims).toEqual([4, 10]);
    const report = await (await api(server, 'api/export/report.html')).text();
    expect(report).toContain('sparse-ternary');
    const state = (await (await api(server, 'api/state')).json()) as { results: Record<string, unknown> };
    expect(Object.keys(state.results)).toEqual(['data', 'model', 'stage1', 'prune', 'stage3', 'cost', 'export']);
    // The packed model runs in the page (@sparse-ternary/runtime) and agrees with the server's TF.js model on every sample.
    expect(await page.getAttribute('#cell-export .runtime', 'data-agree')).toBe('12');

    // The sweep: one whole compression per value of an option (here stage 1's epochs, the cheapest to vary), accuracy against memory.
    await page.selectOption('#cell-sweep [name="option"]', 'stage1Epochs');
    await runCell(page, 'sweep', { values: '0, 1' });
    expect(await page.textContent('#cell-sweep th')).toBe('stage1Epochs');
    expect(await page.$$eval('#cell-sweep tr', (rows) => rows.length)).toBe(1 + 2);
    expect((await paintedCharts(page, '#cell-sweep'))[0]).toBeGreaterThan(300);

    // Stop: a long stage 1 stops after its current batch with the error in the cell; the server is idle again.
    await page.fill('#cell-stage1 [name="stage1Epochs"]', '50');
    await page.click('#cell-stage1 button[type="submit"]');
    await page.waitForSelector('#cell-stage1 .progress:has-text("batch")');
    await page.click('#stop');
    await page.waitForSelector('#cell-stage1[data-state="error"]');
    // Where it stops depends on how fast it trains (eight batches to a compiled run): before its 50 epochs.
    const stopped = /^stopped: stage 1 interrupted after batch \d+ of epoch (\d+); checkpoint in /.exec((await page.textContent('#cell-stage1 .error')) ?? '');
    expect(stopped).not.toBeNull();
    expect(Number(stopped![1])).toBeLessThan(50);
    expect(await page.$eval('#cell-prune', (cell) => cell.classList.contains('stale'))).toBe(true);
    expect(((await (await api(server, 'api/status')).json()) as { running: boolean }).running).toBe(false);

    expect(failures).toEqual([]);

    // A saved notebook re-opened in a fresh page shows its cells' parameters and results again.
    const reopened = await context.newPage();
    await reopened.goto(server.url);
    await reopened.setInputFiles('#open', { name: 'notebook.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(state)) });
    await reopened.waitForSelector('#cell-cost[data-state="done"]');
    expect(await reopened.inputValue('#cell-model [name="width"]')).toBe('0.25');
    expect((await paintedCharts(reopened, '#cell-prune')).length).toBe(1 + 4);
  });
}, 600_000); // a few minutes alone; more on a shared machine

testWith(CHROMIUM)('an opened notebook.json shows its values as text, never as markup, and a malformed one is refused', async () => {
  await withChromium(async (context) => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#status:has-text("connected")');
    const injected = '<img src=x onerror="document.title=\'pwned\'">';
    const crafted = {
      version: 1,
      params: { data: { data: 'mnist-10k' } },
      results: {
        data: { name: injected, train: 1, test: 1, validation: 0, imageShape: [1, 1, 1], source: '<b>bold</b>', samples: [], sampleLabels: [], classes: ['<i>x</i>'], counts: [1] },
        model: { name: 'm', input: [1, 1, 1], parameters: 1, accuracyBefore: 0.5, restoredBatchNorm: 0, layers: [{ name: '<script>document.title="pwned"</script>', type: 'Dense', output: '[null,1]', parameters: 1 }] },
      },
    };
    await page.setInputFiles('#open', { name: 'notebook.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(crafted)) });
    await page.waitForSelector('#cell-model[data-state="done"]');
    expect(await page.textContent('#cell-data .output p')).toContain(injected);
    expect(await page.textContent('#cell-model td')).toBe('<script>document.title="pwned"</script>');
    expect(await page.$$('#cell-data img, #cell-data b, #cell-model script')).toHaveLength(0);
    expect(await page.title()).not.toBe('pwned');
    await page.setInputFiles('#open', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ version: 1, params: { data: { data: { nested: 1 } } } })) });
    await page.waitForSelector('#status:has-text("bad.json is not a saved notebook: notebook.params.data.data: expected a string, number or boolean, got object")');
    // A result that is not its cell's shape is refused too, naming where.
    const wrong = { version: 1, results: { model: { ...crafted.results.model, parameters: 'many' } } };
    await page.setInputFiles('#open', { name: 'wrong.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(wrong)) });
    await page.waitForSelector('#status:has-text("wrong.json is not a saved notebook: results.model.parameters: expected a number")');
  });
}, 120_000);

describe('who may drive the notebook: its own Host, its token, its own origin', () => {
  const host = () => new URL(server.url).host;
  test.each([
    ['a foreign Host (DNS rebinding)', 403, () => ({ path: '/api/status', headers: { host: 'rebound.example:80', 'x-notebook-token': server.token } }), /Host 'rebound\.example:80' is not this notebook's address/],
    ['no token', 403, () => ({ path: '/api/status' }), /no valid token: open the notebook at the address it printed/],
    ['a wrong token', 403, () => ({ path: '/api/status', headers: { 'x-notebook-token': 'f'.repeat(48) } }), /no valid token/],
    ['the token in a header', 200, () => ({ path: '/api/status', headers: { 'x-notebook-token': server.token } }), /"running":false/],
    ['the token in the cookie the page got', 200, () => ({ path: '/api/status', headers: { cookie: `st_notebook_token=${server.token}` } }), /"running":false/],
    ['"localhost" as Host', 200, () => ({ path: '/api/status', headers: { host: `localhost:${new URL(server.url).port}`, 'x-notebook-token': server.token } }), /"running":false/],
    ['a POST from another origin, token and all', 403, () => ({ path: '/api/stop', method: 'POST', headers: { origin: 'http://127.0.0.1:1', cookie: `st_notebook_token=${server.token}` } }), /requests from http:\/\/127\.0\.0\.1:1 may not drive this notebook/],
    ['a POST from its own page', 200, () => ({ path: '/api/stop', method: 'POST', headers: { origin: `http://${host()}`, cookie: `st_notebook_token=${server.token}` } }), /"stopped"/],
  ])('%s: HTTP %i', async (_, status, request, body) => {
    const response = await rawRequest(server, request());
    expect(response.status).toBe(status);
    expect(response.body).toMatch(body);
  });

  test('the printed address carries the token; opening it gives the page an HttpOnly, SameSite=Strict cookie', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${server.token}$`));
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
    const page = await rawRequest(server, { path: `/?token=${server.token}` });
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toEqual([`st_notebook_token=${server.token}; HttpOnly; SameSite=Strict; Path=/`]);
  });

  test('the data cell reads dataset names and the allowed folders only, and says nothing about other paths', async () => {
    const answers = await Promise.all(
      ['/etc/passwd', '/nonexistent/mnist', '/etc'].map(async (dataset) => {
        const response = await api(server, 'api/cells/data', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: dataset }) });
        return { status: response.status, error: ((await response.json()) as { error: string }).error.replace(dataset, '<path>') };
      }),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0].status).toBe(403);
    expect(answers[0].error).toMatch(/^'<path>' is neither a dataset name nor inside the folders the notebook may read \(.*\): start it with --data-dir <folder>$/);
  });
});

testWith(CHROMIUM)('a page of another origin that the user visits cannot drive the notebook (no-cors requests with the cookie the notebook gave)', async () => {
  const notebook = await startNotebookServer({ clientDir: path.resolve(__dirname, '../dist/client'), backend: 'ort' });
  const base = new URL('/', notebook.url).href;
  const evil = http.createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<script>
      const post = (cell, body) => fetch(${JSON.stringify(base)} + 'api/cells/' + cell, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) });
      post('data', { data: 'mnist-10k' }).then(() => post('model', { model: 'tfc' })).finally(() => (document.title = 'sent'));
    </script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    await withChromium(async (context) => {
      const page = await context.newPage();
      await page.goto(notebook.url); // the user opened the notebook: the browser holds its cookie
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      await page.waitForFunction('document.title === "sent"');
    });
    const state = (await (await api(notebook, 'api/state')).json()) as { results: Record<string, unknown> };
    expect(state.results).toEqual({});
  } finally {
    evil.close();
    await notebook.close();
  }
}, 120_000);

test("the cells give back every tensor they made: a second round of stage 1, pruning and stage 3 ends where the first did", async () => {
  const own = await startNotebookServer({ clientDir: path.resolve(__dirname, '../dist/client'), backend: 'ort' });
  const { session } = own;
  /** Runs a background training cell and waits for its end. */
  const trained = (start: () => unknown) =>
    new Promise<void>((resolve, reject) => {
      const stop = session.subscribe((event, data) => {
        if (event !== 'cell-done' && event !== 'cell-error') return;
        stop();
        // The job is released just after its cell-done event.
        if (event === 'cell-done') setImmediate(resolve);
        else reject(new Error(JSON.stringify(data)));
      });
      start();
    });
  const round = async () => {
    await trained(() => session.runStage1({ stage1Epochs: 1, batchSize: 200, learningRate: 3e-3 }));
    session.runPrune();
    await trained(() => session.runStage3({ stage3Epochs: 1 }));
    session.runCost();
    return tf.memory().numTensors;
  };
  try {
    session.runData({ data: 'mnist-10k' });
    session.runModel({ model: 'sfc', width: 0.25, seed: 1 });
    const first = await round();
    expect(await round()).toBe(first);
    // What the server sent is what the page checks against: every result fits its cell's declared shape.
    for (const [cell, result] of Object.entries(session.results)) expect(checkResult(cell as CellName, result)).toBeDefined();
  } finally {
    await own.close();
  }
}, 300_000); // trains four times: room for a machine shared with other work

describe('data cell', () => {
  test('reads a folder of images at the size given, and refuses a bad size', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'notebook-images-'));
    const own = await startNotebookServer({ clientDir: path.resolve(__dirname, '../dist/client'), backend: 'ort', dataFolders: [dir] });
    try {
      for (const [split, c, i] of [['train', 'a', 0], ['train', 'b', 0], ['test', 'a', 0], ['test', 'b', 0]] as const) {
        mkdirSync(path.join(dir, split, c), { recursive: true });
        writeFileSync(path.join(dir, split, c, `${i}.png`), PNG.sync.write(new PNG({ width: 10, height: 8 })));
      }
      const post = (body: unknown) => api(own, 'api/cells/data', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const ok = await post({ data: dir, inputSize: '6' });
      expect(ok.status).toBe(200);
      const result = (await ok.json()) as { name: string; imageShape: number[]; classes: string[]; train: number };
      expect(result).toMatchObject({ name: 'image-folder', imageShape: [6, 6, 3], classes: ['a', 'b'], train: 2 });
      const bad = await post({ data: dir, inputSize: '6,x' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/inputSize = "6,x": expected n or height,width/);
      const missing = await post({ data: dir, inputSize: '' });
      expect(((await missing.json()) as { error: string }).error).toMatch(/is a folder of images: give the size/);
    } finally {
      await own.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
