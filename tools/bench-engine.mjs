#!/usr/bin/env node
// Engine benchmark: training throughput (samples/s, Adam) of LFC at batch 100 and CNV at batch 50
// on the 'ort' and 'cpu' backends in the same run, the whole step compiled into one onnxruntime
// graph ('compiled': compileTrainingStep, float weights as PyTorch trains them; 'ternary': with the
// demo's stage-1 quantizer, 95% target sparsity, straight-through; 'qtr': that plus qtr-cost), and
// PyTorch CPU on the same nets when /usr/bin/python3 can import torch. Prints a table of samples/s
// and ratios (qtr / ternary: what the regularizer costs).
//   node tools/bench-engine.mjs [--nets lfc,cnv,resnet18-op13-dynamic.onnx] [--batch 8]
//                               [--backends ort,cpu,compiled,ternary,qtr] [--steps N]
//                               [--windows N] [--cpu-steps N] [--no-torch] [--profile]
// An ONNX file is a torchvision classifier as fixtures/torchvision_exports.py writes it, timed at
// --batch; its PyTorch peer is that architecture (with its BatchNorm layers, which the export folds).
// --profile: onnxruntime's per-operator profile of each compiled variant's timed steps.
// Each backend's figure is the median of --windows timings of --steps steps (default 16: two runs
// of the compiled step's eight); 'cpu' times one window of --cpu-steps steps (default: 3 for LFC, 1
// for CNV, whose step takes minutes there). PyTorch's is the mean of a run before and one after.
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { adam, initEngine } from '@sparse-ternary/engine';
import { floatQuantizer, targetSparsityQuantizer } from '@sparse-ternary/quantize-prune';
import { qtrCost } from '@sparse-ternary/regularizers';
import { benchNet } from './lib/nets.mjs';
import { compiledStep, strengthsAt, trainingHead } from '@sparse-ternary/retrain';
import { formatProfile, summarizeProfile } from './lib/ort_profile.mjs';

const { values: args } = parseArgs({
  options: {
    nets: { type: 'string', default: 'lfc,cnv' },
    backends: { type: 'string', default: 'ort,cpu' },
    steps: { type: 'string', default: '16' },
    windows: { type: 'string', default: '5' },
    'cpu-steps': { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    batch: { type: 'string', default: '8' },
  },
});

/** The batch of nets given as ONNX files (the built-in nets have their own). */
const batchArg = Number(args.batch);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median samples/s over `windows` timed windows of `steps` steps. */
async function tfjsSamplesPerSecond(netName, backend, steps, windows) {
  await initEngine({ backend, allowSpinning: process.env.ORT_SPIN === '1' });
  const net = await benchNet(netName, batchArg);
  const head = trainingHead(net.build());
  const model = head.model;
  model.compile({ optimizer: adam(1e-3), loss: head.loss });
  const x = tf.randomUniform([net.batch, ...net.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([net.batch], 0, net.classes, 'int32', 2), net.classes);
  // Warm-up (session building, allocation); the 'cpu' backend has none to do and a CNV step
  // there takes minutes.
  if (backend !== 'cpu') await model.trainOnBatch(x, y);
  const rates = [];
  for (let w = 0; w < windows; w++) {
    const start = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    rates.push((steps * net.batch * 1000) / (performance.now() - start));
  }
  tf.dispose([x, y]);
  model.dispose();
  return median(rates);
}

/** The compiled steps: what each trains. */
const COMPILED = {
  compiled: { quantizer: floatQuantizer, regularizers: () => [] },
  ternary: { quantizer: () => targetSparsityQuantizer(0.95), regularizers: () => [] },
  qtr: { quantizer: () => targetSparsityQuantizer(0.95), regularizers: () => [qtrCost(2e-5)] },
};

/**
 * The same, with the whole step compiled into one onnxruntime graph: median samples/s of each
 * variant, their windows taken in turn (the machine's speed drifts; a ratio between variants
 * compares windows of the same moments).
 */
async function compiledSamplesPerSecond(netName, variants, steps, windows) {
  await initEngine({ backend: 'ort' });
  const net = await benchNet(netName, batchArg);
  const x = tf.randomUniform([net.batch, ...net.inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([net.batch], 0, net.classes, 'int32', 2), net.classes);
  const [xs, ys] = [x.dataSync(), Float32Array.from(y.dataSync())];
  const runs = variants.map((variant) => {
    const head = trainingHead(net.build());
    const regularizers = COMPILED[variant].regularizers();
    const profile = args.profile ? `/tmp/bench-engine-${variant}` : undefined;
    const step = compiledStep(head.model, { optimizer: { kind: 'adam', learningRate: 1e-3 }, output: head.output, quantizer: COMPILED[variant].quantizer(), regularizers, profile });
    if (step instanceof Error) throw step;
    // The batches of a window in runs of stepsPerRun, as train() gives them.
    const window = Array.from({ length: steps }, () => ({ x: xs, y: ys, feeds: { scalars: strengthsAt(regularizers, 0) } }));
    step.run(window.slice(0, step.stepsPerRun));
    return { variant, model: head.model, step, window, profile, rates: [] };
  });
  for (let w = 0; w < windows; w++) {
    for (const run of runs) {
      const start = performance.now();
      run.step.run(run.window);
      run.rates.push((steps * net.batch * 1000) / (performance.now() - start));
    }
  }
  const result = {};
  for (const run of runs) {
    run.step.dispose();
    if (run.profile) console.error(`${netName} ${run.variant}:\n${formatProfile(summarizeProfile(run.profile, steps * windows + run.step.stepsPerRun))}`);
    run.model.dispose();
    result[run.variant] = median(run.rates);
  }
  tf.dispose([x, y]);
  return result;
}

async function torchSamplesPerSecond(netName, steps) {
  const script = fileURLToPath(new URL('./bench_torch.py', import.meta.url));
  const net = await benchNet(netName, batchArg);
  const run = spawnSync('/usr/bin/python3', [script, net.torch[0], String(net.batch), String(steps), ...net.torch.slice(1)], {
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: '2' },
    encoding: 'utf8',
  });
  if (run.status !== 0) return { error: (run.stderr || run.error?.message || 'failed').trim().split('\n').pop() };
  return { value: Number(run.stdout.trim().split('\n').pop()) };
}

const torchAvailable =
  !args['no-torch'] && spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const backends = args.backends.split(',');
const rows = [];
for (const net of args.nets.split(',')) {
  const row = { net };
  // PyTorch before and after this net's backends, its figure their mean: the machine's speed drifts over a run.
  const torchRuns = [];
  const timeTorch = async () => {
    if (!torchAvailable) return;
    const t = await torchSamplesPerSecond(net, Number(args.steps) * Number(args.windows));
    console.error(`${net} torch: ${t.value?.toFixed(1) ?? t.error}`);
    if (t.value !== undefined) torchRuns.push(t.value);
  };
  await timeTorch();
  for (const backend of backends.filter((b) => !(b in COMPILED))) {
    const cpu = backend === 'cpu';
    const steps = cpu ? Number(args['cpu-steps'] ?? (await benchNet(net, batchArg)).cpuSteps) : Number(args.steps);
    row[backend] = await tfjsSamplesPerSecond(net, backend, steps, cpu ? 1 : Number(args.windows));
    console.error(`${net} ${backend}: ${row[backend].toFixed(1)} samples/s`);
  }
  const compiledVariants = backends.filter((b) => b in COMPILED);
  if (compiledVariants.length) {
    Object.assign(row, await compiledSamplesPerSecond(net, compiledVariants, Number(args.steps), Number(args.windows)));
    for (const variant of compiledVariants) console.error(`${net} ${variant}: ${row[variant].toFixed(1)} samples/s`);
  }
  await timeTorch();
  if (torchRuns.length) row.torch = torchRuns.reduce((a, b) => a + b, 0) / torchRuns.length;
  rows.push({ ...row, batch: (await benchNet(net, batchArg)).batch });
}

const fmt = (v) => (v === undefined || Number.isNaN(v) ? 'n/a' : v < 10 ? v.toPrecision(2) : v.toFixed(0));
const ratio = (a, b) => (a && b ? `${a / b < 10 ? (a / b).toFixed(2) : (a / b).toFixed(0)}x` : 'n/a');
console.log(`\nTraining throughput, Adam (samples/s); ${process.arch}, ${(await import('node:os')).availableParallelism()} cores`);
const fast = backends.filter((b) => b !== 'cpu');
// A step's time with qtr-cost against without (the issue's target: at most 1.1x).
const qtrCostRatio = backends.includes('qtr') && backends.includes('ternary');
console.log('| net | batch | ' + backends.join(' | ') + ' | PyTorch CPU | ort / cpu | ' + fast.map((b) => `${b} / PyTorch`).join(' | ') + (qtrCostRatio ? ' | qtr time / ternary time' : '') + ' |');
console.log('|---|---|' + backends.map(() => '---|').join('') + '---|---|' + fast.map(() => '---|').join('') + (qtrCostRatio ? '---|' : ''));
for (const r of rows) {
  console.log(`| ${r.net.endsWith('.onnx') ? r.net.split('/').pop() : r.net} | ${r.batch} | ${backends.map((b) => fmt(r[b])).join(' | ')} | ${fmt(r.torch)} | ${ratio(r.ort, r.cpu)} | ${fast.map((b) => ratio(r[b], r.torch)).join(' | ')}${qtrCostRatio ? ` | ${ratio(r.ternary, r.qtr)}` : ''} |`);
}
if (!torchAvailable) console.log('\nPyTorch not measured: apt-get install python3-torch libopenblas0-pthread');
