#!/usr/bin/env node
// The runtime benchmark's browser twin: LFC and CNV with random sparse ternary kernels, packed for
// @sparse-ternary/runtime and exported as dense float ONNX, served on loopback to headless Chromium,
// where the page runs both: the runtime (its WebAssembly SIMD kernels) and onnxruntime-web's
// WebAssembly backend (its files from the npm package, SIMD on) with 1 thread, then with 2 (the
// page is cross-origin isolated, so onnxruntime-web may start its worker threads). Batch-1 latency,
// medians.
//   npm run build && node tools/bench-runtime-browser.mjs [--nets lfc,cnv] [--sparsities 0.95] [--runs 50]
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { initEngine } from '@sparse-ternary/engine';
import { exportOnnx } from '@sparse-ternary/onnx';
import { pack } from '@sparse-ternary/runtime/pack';
import { sparseTernary } from './lib/sparse_ternary_nets.mjs';
import { root } from './lib/workspaces.mjs';

const { values: args } = parseArgs({
  options: { nets: { type: 'string', default: 'lfc,cnv' }, sparsities: { type: 'string', default: '0.95' }, runs: { type: 'string', default: '50' } },
});
await initEngine({ backend: 'ort' });

const models = new Map();
for (const net of args.nets.split(',')) {
  for (const sparsity of args.sparsities.split(',').map(Number)) {
    const model = sparseTernary(net, sparsity);
    models.set(`${net}-${sparsity}`, { net, sparsity, shape: model.inputs[0].shape.slice(1), packed: pack(model), onnx: exportOnnx(model, { format: 'float', hardwareCost: {} }).bytes });
    model.dispose();
  }
}

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import * as ort from '/ort/ort.wasm.min.mjs';
import { load } from '/runtime/index.js';
import { time } from '/lib/timing.mjs';
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = Number(new URLSearchParams(location.search).get('threads'));
window.bench = async (key, [h, w, c], runs) => {
  const bytes = (url) => fetch(url).then((r) => r.arrayBuffer());
  const sample = Float32Array.from({ length: h * w * c }, (_, i) => ((i * 37) % 101) / 101);
  const runtime = load(new Uint8Array(await bytes('/models/' + key + '.stpack')));
  const session = await ort.InferenceSession.create(await bytes('/models/' + key + '.onnx'), { executionProviders: ['wasm'] });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', sample, [1, c, h, w]) };
  return { kernels: runtime.kernels, isolated: crossOriginIsolated, runtime: await time(() => runtime.predictOne(sample), runs, 5), ort: await time(() => session.run(feeds), runs, 5) };
};
window.ready = true;
</script>`;

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };
const FOLDERS = { '/ort/': path.join(root, 'node_modules/onnxruntime-web/dist'), '/runtime/': path.join(root, 'packages/runtime/dist'), '/lib/': path.join(root, 'tools/lib') };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://bench');
  // Cross-origin isolation: onnxruntime-web's threads need SharedArrayBuffer.
  const headers = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  if (url.pathname === '/') return res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE);
  const model = url.pathname.match(/^\/models\/(.+)\.(stpack|onnx)$/);
  if (model && models.has(model[1])) return res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream' }).end(models.get(model[1])[model[2] === 'onnx' ? 'onnx' : 'packed']);
  const prefix = Object.keys(FOLDERS).find((p) => url.pathname.startsWith(p));
  const file = prefix && path.join(FOLDERS[prefix], path.basename(url.pathname));
  if (!file || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
  res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const chromiumVersion = browser.version();
const results = [];
try {
  for (const threads of [1, 2]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}?threads=${threads}`);
    await page.waitForFunction('window.ready === true');
    for (const [key, m] of models) {
      const r = await page.evaluate(([k, s, n]) => window.bench(k, s, n), [key, m.shape, Number(args.runs)]);
      results.push({ ...m, threads, ...r });
      console.error(`${key}, onnxruntime-web ${threads} thread(s): runtime ${r.runtime.toFixed(3)} ms (${r.kernels}), onnxruntime-web ${r.ort.toFixed(3)} ms`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const version = JSON.parse(readFileSync(path.join(root, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version;
const isolated = results.every((r) => r.isolated);
console.log(`Runtime benchmark in headless Chromium ${chromiumVersion}, batch-1 latency, medians of ${args.runs} runs; onnxruntime-web ${version}, WebAssembly backend (SIMD), on the same weights as dense float ONNX; page cross-origin isolated: ${isolated ? 'yes' : 'no (onnxruntime-web ran one thread)'}.`);
console.log('| net | sparsity | runtime (ms) | onnxruntime-web, 1 thread (ms) | ratio | onnxruntime-web, 2 threads (ms) | ratio | packed / ONNX download |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [key, m] of models) {
  const [one, two] = [1, 2].map((t) => results.find((r) => `${r.net}-${r.sparsity}` === key && r.threads === t));
  console.log(
    `| ${m.net} | ${(100 * m.sparsity).toFixed(0)}% | ${one.runtime.toFixed(3)} | ${one.ort.toFixed(3)} | ${(one.ort / one.runtime).toFixed(2)}x | ${two.ort.toFixed(3)} | ${(two.ort / two.runtime).toFixed(2)}x | ${(m.packed.length / 1024).toFixed(0)} KiB / ${(m.onnx.length / 1024).toFixed(0)} KiB |`,
  );
}
