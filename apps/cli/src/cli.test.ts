// The command driven as a real child process: usage errors, missing files, the demo's outputs,
// the model commands on what it wrote, config files, and Ctrl-C then --resume.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { withChromium } from '../../../tools/testing/chromium';
import { CHROMIUM, testWith } from '../../../tools/testing/system_tools';
import { CONFIG_SCHEMA_URL } from './run_flags';
import { runCli } from './testing/run_cli';
import { readTensorBoardEvents } from '@sparse-ternary/retrain';

const ARTIFACTS = path.resolve(__dirname, '../test-artifacts');

/** The part of a browser canvas the test reads (the workspace compiles without the DOM types). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'st-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small, quick compression: SFC at a quarter of its width, one epoch per stage. */
const QUICK = ['-m', 'sfc', '--width', '0.25', '--stage1-epochs', '1', '--stage3-epochs', '1'];

describe('usage', () => {
  test('--help shows the commands and examples, exit 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['compress', 'eval', 'import', 'export', 'cost', 'data', 'bench']) expect(stdout).toContain(command);
    expect(stdout).toContain('sparse-ternary compress --config out/run.json --resume');
  });

  test("the bin npm links (node_modules/.bin/sparse-ternary) runs the built command", () => {
    const bin = path.resolve(__dirname, '../../../node_modules/.bin/sparse-ternary');
    const version = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')).version;
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(version);
  });

  test.each([
    [['--lr', 'abc'], /option '--lr <rate>' argument 'abc' is invalid\. expected a positive number/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--method', 'magic'], /expected one of float, binary, twn, sparse-ternary, prune-then-quantize/],
    [['export', '-m', 'lfc', '-o', 'x.onnx', '--format', 'png'], /argument 'png' is invalid/],
    [['-m', 'resnet99'], /--model 'resnet99' is neither a topology/],
    [['--validation', '8000'], /--validation 8000: mnist-10k has only 8000 training images/],
    [['-m', 'cnv', '-d', 'mnist-10k'], /model cnv takes 32x32x3 images; data mnist-10k has 28x28x1/],
  ])('bad usage %j exits 2 with one clear line', async (args, message) => {
    const { code, stderr } = await runCli(args, { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test.each([
    [['-m', '/nonexistent/model.onnx'], /\/nonexistent\/model\.onnx: cannot read the file \(ENOENT\)/],
    [['eval', '-m', '/nonexistent/model.onnx'], /\/nonexistent\/model\.onnx/],
    [['eval', '-m', '/nonexistent/model.stpack'], /cannot read \/nonexistent\/model\.stpack \(ENOENT\)/],
    [['-d', './no-such-folder'], /data folder \.\/no-such-folder does not exist/],
    [['--config', '/nonexistent/run.json'], /cannot read config file \/nonexistent\/run\.json \(ENOENT\)/],
  ])('a missing file %j exits 1 naming it, without a stack unless --verbose', async (args, message) => {
    const { code, stderr } = await runCli(args, { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    const verbose = await runCli(['--verbose', ...args], { cwd: dir });
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  test('a dataset found nowhere: one line naming where it looked and the command that downloads it', async () => {
    const empty = path.join(dir, 'no-datasets');
    mkdirSync(empty, { recursive: true });
    const { code, stderr } = await runCli(['-m', 'cnv', '-d', 'cifar100'], { cwd: dir, env: { SPARSE_TERNARY_DATA: empty, XDG_CACHE_HOME: empty } });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: dataset 'cifar100' not found \(looked in .*no-datasets\/cifar100 \(no such folder\);.*\): get it with `sparse-ternary data download cifar100`\n$/);
  });

  test('an unknown command is named with the closest one; a missing plan is a missing file (1); --json errors are JSON on stdout too', async () => {
    const typo = await runCli(['compres'], { cwd: dir });
    expect([typo.code, typo.stderr]).toEqual([2, "error: unknown command 'compres' (did you mean compress?)\n"]);
    const plan = await runCli(['sweep', path.join(dir, 'no-plan.json'), '-o', path.join(dir, 'no-sweep')], { cwd: dir });
    expect([plan.code, plan.stderr]).toEqual([1, `error: cannot read plan ${path.join(dir, 'no-plan.json')} (ENOENT)\n`]);
    const json = await runCli(['--json', '-m', '/nonexistent/model.onnx'], { cwd: dir });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout.trim().split('\n').at(-1)!)).toEqual({ error: { type: 'ImportError', message: expect.stringContaining('/nonexistent/model.onnx'), exitCode: 1 } });
    const usage = await runCli(['--json', '--lr', 'abc'], { cwd: dir });
    expect(JSON.parse(usage.stdout.trim()).error).toMatchObject({ type: 'CommanderError', exitCode: 2 });
  });

  test.each(['eval', 'export'])('%s --help shows -m as required, without the default compress has', async (command) => {
    const { stdout } = await runCli([command, '--help'], { cwd: dir });
    const model = stdout.slice(stdout.indexOf('-m, --model'), stdout.indexOf('\n  -', stdout.indexOf('-m, --model') + 1));
    expect(model).not.toMatch(/default/);
  });
});

describe('quantized activations end to end: --act-bits 2 trains, reports, exports, packs and costs them', () => {
  let out: string;
  let report: { compress: { accuracy: number; activations: { bits: number; signed: boolean; clip: number }[] } };
  beforeAll(async () => {
    out = path.join(dir, 'activations');
    const { code, stderr } = await runCli([...QUICK, '--act-bits', '2', '--quiet', '-o', out]);
    if (code !== 0) throw new Error(`compress failed (${code}): ${stderr}`);
    report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  }, 300_000); // trains: room for a machine shared with other work

  test("the report lists SFC's three hidden activations, 2-bit with their learned clips", () => {
    expect(report.compress.activations.map(({ bits, signed }) => ({ bits, signed }))).toEqual(Array(3).fill({ bits: 2, signed: false }));
    expect(report.compress.activations.every((a) => a.clip > 0)).toBe(true);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('## Activations');
  });

  test.each(['model.onnx', 'model.int8.onnx', 'model.qonnx.onnx', 'model.stpack'])('eval of %s gives the reported accuracy (within one test image)', async (file) => {
    const { code, stdout } = await runCli(['--json', 'eval', '-m', path.join(out, file), '-d', 'mnist-10k']);
    expect(code).toBe(0);
    expect(Math.abs(JSON.parse(stdout).accuracy - report.compress.accuracy)).toBeLessThanOrEqual(1 / 2000);
  }, 60_000);

  test("cost estimates the FPGA with the model's 2-bit activations", async () => {
    const cost = await runCli(['cost', '-m', path.join(out, 'model.qonnx.onnx')]);
    expect(cost.code).toBe(0);
    expect(cost.stdout).toContain('2-bit activations');
  });
});

describe('compress, then the model commands on its outputs', () => {
  let out: string;
  let events: { event: string; [key: string]: unknown }[];

  beforeAll(async () => {
    out = path.join(dir, 'quick');
    const { code, stdout, stderr } = await runCli([...QUICK, '--validation', '1000', '--json', '-o', out]);
    if (code !== 0) throw new Error(`compress failed (${code}): ${stderr}`);
    events = stdout.trim().split('\n').map((line) => JSON.parse(line));
  }, 300_000); // trains: room for a machine shared with other work

  test('writes every listed file', () => {
    for (const file of ['report.md', 'report.html', 'report.json', 'metrics.csv', 'model.onnx', 'model.int8.onnx', 'model.qonnx.onnx', 'model.stpack', 'run.json', 'checkpoints/stage-1/latest.ckpt', 'checkpoints/stage-3/latest.ckpt']) {
      expect(existsSync(path.join(out, file))).toBe(true);
    }
  });

  test('report.md leads with the packed model\'s size and says what each file\'s size counts', () => {
    const markdown = readFileSync(path.join(out, 'report.md'), 'utf8');
    const kib = (file: string) => `${(statSync(path.join(out, file)).size / 1024).toFixed(1)} KiB`;
    expect(markdown.split('\n')[2]).toContain(`The packed model (model.stpack, what @sparse-ternary/runtime loads) is ${kib('model.stpack')}`);
    expect(markdown).toContain(`| model.stpack | ${kib('model.stpack')} | the runtime's format: per output, each non-zero as a 32-bit input index`);
    expect(markdown).toMatch(/\| \(the sparse ternary kernels alone, smallest encoding per layer\) \| [\d.]+ KiB \|/);
  });

  test("metrics.csv has a row per epoch with the report's numbers", () => {
    const [header, ...rows] = readFileSync(path.join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(header).toBe('stage,epoch,learning_rate,loss,penalty,sparsity,validation_accuracy,test_accuracy,float_weights_test_accuracy,seconds');
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    const epochs = report.compress.stages.flatMap((s: { history: Record<string, number>[] }) => s.history);
    expect(rows.map((r) => r.split(',').slice(0, 2))).toEqual([['stage 1', '1'], ['stage 3', '1']]);
    rows.forEach((r, i) => {
      const cells = r.split(',').map(Number);
      expect([cells[2], cells[3], cells[6], cells[7]]).toEqual([epochs[i].learningRate, epochs[i].loss, epochs[i].validationAccuracy, epochs[i].quantizedAccuracy]);
    });
  });

  test('--json emits stage, batch, epoch and done events', () => {
    expect(events.filter((e) => e.event === 'stage').map((e) => e.stage)).toEqual(['stage 1', 'stage 3']);
    // 7,000 training images once 1,000 are held out for validation: 70 batches of 100 per epoch
    expect(events.filter((e) => e.event === 'batch')).toHaveLength(2 * 70);
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(2);
    const done = events.find((e) => e.event === 'done')!;
    expect(done.sparsity).toBeGreaterThan(0.5);
  });

  test('the report records the resolved configuration, versions, backend and machine', () => {
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.config).toMatchObject({ model: 'sfc', width: 0.25, stage1Epochs: 1, stage3Epochs: 1, method: 'sparse-ternary', qtr: 'none', targetSparsity: 0.95 });
    expect(report.dataset).toMatchObject({ train: 7000, test: 2000 });
    expect(report.validation.count).toBe(1000);
    // held-out images of the same distribution: close to the test accuracy, and not the training data's
    expect(Math.abs(report.validation.accuracy - report.compress.accuracy)).toBeLessThan(0.05);
    expect(report.info.versions['@sparse-ternary/cli']).toBe('0.1.0');
    expect(report.info.machine.cpus).toBeGreaterThan(0);
    expect(report.info.backend).toMatch(/ort|cpu|tensorflow/);
    const markdown = readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('## Hardware cost');
    expect(markdown).toContain(`Test accuracy ${(100 * report.compress.accuracy).toFixed(2)}%`);
    // sfc trains compiled in both stages (the default --training-step auto), and the report says so.
    expect(report.compress.stages.map((s: { trainingStep: unknown }) => s.trainingStep)).toEqual([{ kind: 'compiled' }, { kind: 'compiled' }]);
    expect(markdown).toContain('Training steps: stage 1 compiled into one onnxruntime graph; stage 3 compiled into one onnxruntime graph.');
  });

  test('report.html is self-contained: no script or stylesheet loaded from elsewhere', () => {
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  testWith(CHROMIUM)('report.html draws its charts offline in headless Chromium (screenshot in test-artifacts/)', async () => {
    await withChromium(async (context) => {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${path.join(out, 'report.html')}`);
      await page.waitForSelector('body[data-charts="drawn"]', { timeout: 20_000 });
      // Every canvas has drawn pixels: count the non-transparent ones.
      const painted = await page.$$eval('canvas', (elements) =>
        (elements as unknown as Canvas[]).map((canvas) => {
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let count = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
          return count;
        }),
      );
      // curves, sparsity, memory and one weight histogram per layer (4)
      expect(painted).toHaveLength(7);
      painted.forEach((count) => expect(count).toBeGreaterThan(500));
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
    });
  }, 60_000);

  test('eval of the exported model.onnx reproduces the reported accuracy', async () => {
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    const { code, stdout } = await runCli(['--json', 'eval', '-m', path.join(out, 'model.onnx'), '-d', 'mnist-10k']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).accuracy).toBeCloseTo(report.compress.accuracy, 10);
  });

  test('eval of model.stpack runs it with @sparse-ternary/runtime: the reported accuracy, within one test image', async () => {
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.outputs.map((o: { file: string }) => o.file)).toContain('model.stpack');
    const { code, stdout } = await runCli(['--json', 'eval', '-m', path.join(out, 'model.stpack'), '-d', 'mnist-10k']);
    expect(code).toBe(0);
    expect(Math.abs(JSON.parse(stdout).accuracy - report.compress.accuracy)).toBeLessThanOrEqual(1 / 2000);
    // a corrupt one is an error naming the file
    const corrupt = path.join(dir, 'corrupt.stpack');
    writeFileSync(corrupt, readFileSync(path.join(out, 'model.stpack')).subarray(0, 100));
    const bad = await runCli(['eval', '-m', corrupt, '-d', 'mnist-10k']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${corrupt}: `);
  });

  test('export to QONNX, cost and import work on it', async () => {
    const qonnx = path.join(dir, 'model.finn.onnx');
    expect((await runCli(['export', '-m', path.join(out, 'model.onnx'), '--format', 'qonnx', '-o', qonnx])).code).toBe(0);
    expect(readFileSync(qonnx).includes(Buffer.from('qonnx.custom_op.general'))).toBe(true);
    const intQuant = path.join(dir, 'model.intquant.onnx');
    expect((await runCli(['export', '-m', path.join(out, 'model.onnx'), '--format', 'qonnx', '--qonnx-op', 'IntQuant', '-o', intQuant])).code).toBe(0);
    expect(readFileSync(intQuant).includes(Buffer.from('IntQuant'))).toBe(true);
    const back = await runCli(['--json', 'eval', '-m', intQuant, '-d', 'mnist-10k']);
    expect(JSON.parse(back.stdout).accuracy).toBeCloseTo(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).compress.accuracy, 10);
    const cost = await runCli(['cost', '-m', path.join(out, 'model.onnx')]);
    expect(cost.code).toBe(0);
    expect(cost.stdout).toMatch(/\| sparse ternary \(smallest encoding per layer\) \| [\d.]+ KiB \| 1\.0x \|/);
    const imported = path.join(dir, 'tfjs');
    expect((await runCli(['import', path.join(out, 'model.onnx'), '-o', imported])).code).toBe(0);
    const json = JSON.parse(readFileSync(path.join(imported, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(existsSync(path.join(imported, 'weights.bin'))).toBe(true);
  }, 60_000);

  test('train, prune and retrain one by one end where compress ends', async () => {
    const staged = path.join(dir, 'staged');
    // the same held-out split as compress: the stage commands must all see the same training images
    for (const args of [['train', ...QUICK, '--validation', '1000', '-o', staged], ['prune', '-o', staged], ['retrain', '-o', staged]]) {
      const { code, stderr } = await runCli(['--quiet', ...args]);
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
    }
    const [whole, byStage] = [out, staged].map((folder) => JSON.parse(readFileSync(path.join(folder, 'report.json'), 'utf8')).compress);
    expect(byStage.accuracy).toBe(whole.accuracy);
    expect(byStage.sparsity).toBe(whole.sparsity);
    // Each layer's Delta is the threshold it was pruned at, carried from prune to retrain.
    const deltas = (report: { layers: { delta: number }[] }) => report.layers.map((l) => l.delta);
    expect(deltas(byStage)).toEqual(deltas(whole));
    expect(deltas(whole).every((d) => d > 0)).toBe(true);
    const validation = (folder: string) => JSON.parse(readFileSync(path.join(folder, 'report.json'), 'utf8')).validation;
    expect(validation(staged)).toEqual(validation(out));
    expect(byStage.stages.map((s: { stage: string }) => s.stage)).toEqual(['stage 1', 'stage 3']);
    const early = await runCli(['retrain', '-o', path.join(dir, 'nothing-here')]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/cannot read .*nothing-here\/run\.json \(ENOENT\): run `sparse-ternary train` first/);
  }, 300_000); // trains: room for a machine shared with other work
});

test('a config file supplies the options and flags override it', async () => {
  const out = path.join(dir, 'configured');
  const config = path.join(dir, 'run.json');
  writeFileSync(config, JSON.stringify({ model: 'sfc', width: 0.25, stage1Epochs: 1, stage3Epochs: 0, seed: 3, qtr: 'deadzone', qtrLambda: 1e-4, pack: false }));
  const { code, stderr } = await runCli(['--quiet', '--config', config, '--seed', '5', '-o', out]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const resolved = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
  expect(resolved).toMatchObject({ model: 'sfc', width: 0.25, stage1Epochs: 1, stage3Epochs: 0, seed: 5, qtr: 'deadzone', qtrLambda: 1e-4, learningRate: 3e-3 });
  expect(existsSync(path.join(out, 'model.stpack'))).toBe(false);
  // run.json names its schema for editors, and is itself a config file.
  expect(resolved.$schema).toBe(CONFIG_SCHEMA_URL);
  writeFileSync(config, JSON.stringify({ epochs: 3 }));
  const bad = await runCli(['--config', config]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/unknown option epochs/);
  // A switch is true or false, not a string that reads as true.
  writeFileSync(config, JSON.stringify({ restoreBatchNorm: 'no' }));
  const notBoolean = await runCli(['--config', config]);
  expect(notBoolean.code).toBe(2);
  expect(notBoolean.stderr).toMatch(/option restoreBatchNorm = "no": expected true or false/);
}, 300_000); // trains: room for a machine shared with other work

test.each([
  [{ width: -1 }, /option width = -1: expected a positive number/],
  [{ augment: 'no' }, /option augment = "no": expected true or false/],
  [{ scale: 'foo' }, /option scale = "foo": expected one of unit, symmetric/],
  [{ pruneSparsity: 1.5, method: 'prune-then-quantize' }, /option pruneSparsity = 1.5: expected a fraction between 0 and 1/],
  [{ optimizer: 'rmsprop' }, /option optimizer = "rmsprop": expected one of adam, sgd, momentum/],
  [{ seed: [1] }, /option seed = \[1\]: expected a single value/],
  [{ model: 3 }, /option model = 3: expected a non-empty string/],
  // An output folder that cannot be made: Node's recursive mkdir would loop here at full CPU.
  [{ out: '/proc/nope/out' }, /ENOENT: no such file or directory, mkdir '\/proc\/nope'/],
])('config file %j: exit 2 with the option named, before any work', async (values, message) => {
  const config = path.join(dir, 'bad-config.json');
  writeFileSync(config, JSON.stringify(values));
  const out = 'out' in values ? [] : ['-o', path.join(dir, 'bad-config-out')];
  const { code, stdout, stderr } = await runCli(['compress', '--config', config, ...out]);
  expect(stderr).toMatch(message);
  expect(code).toBe('out' in values ? 1 : 2);
  expect(stdout).toBe('');
});

test('compress and export refuse to write over the model they read', async () => {
  const folder = path.join(dir, 'own-model');
  mkdirSync(folder, { recursive: true });
  const model = path.join(folder, 'model.onnx');
  expect((await runCli(['export', '-m', 'tfc', '-o', model])).code).toBe(0);
  const before = readFileSync(model);
  const compressed = await runCli(['compress', '-m', model, '-o', folder]);
  expect(compressed.code).toBe(2);
  expect(compressed.stderr).toMatch(/--out .*own-model would overwrite the model being compressed, .*own-model\/model\.onnx: choose another --out/);
  const exported = await runCli(['export', '-m', model, '-o', model]);
  expect(exported.code).toBe(2);
  expect(exported.stderr).toMatch(/is the model being exported: choose another file/);
  expect(readFileSync(model).equals(before)).toBe(true);
});

test('Ctrl-C saves a checkpoint and prints the command that resumes; that command completes the run', async () => {
  const out = path.join(dir, 'interrupted');
  let sent = false;
  const first = await runCli(['-m', 'sfc', '--width', '0.25', '--stage1-epochs', '3', '--stage3-epochs', '1', '-o', out], {
    onStdout: (text, child) => {
      if (!sent && text.includes('stage 1 epoch 1:')) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  expect(first.code).toBe(130);
  const resume = first.stderr.match(/resume with: (.*)/)![1];
  expect(resume).toBe(`sparse-ternary compress --config ${path.join(out, 'run.json')} --resume`);
  const second = await runCli(resume.split(' ').slice(1));
  expect(second.code).toBe(0);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  // The resumed run trained the rest of stage 1 (part of epoch 2, and epoch 3) and stage 3; its
  // report is the whole run's: epoch 1 of the first sitting from the checkpoint, and both sittings' time.
  expect(report.compress.stages.map((s: { history: { epoch: number }[] }) => s.history.map((e) => e.epoch))).toEqual([[0, 1, 2], [0]]);
  expect(report.compress.stages[0].earlierSeconds).toBeGreaterThan(0);
  expect(report.seconds).toBeCloseTo(report.sittingSeconds + report.compress.stages[0].earlierSeconds, 6);
  const metricsRows = readFileSync(path.join(out, 'metrics.csv'), 'utf8').trim().split('\n').slice(1);
  expect(metricsRows.map((r) => r.split(',').slice(0, 2).join(' '))).toEqual(['stage 1 1', 'stage 1 2', 'stage 1 3', 'stage 3 1']);
  expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/\(resumed: [\d.]+ min in this sitting\)[\s\S]*\| stage 1 \| 1 \|[\s\S]*\| stage 1 \| 3 \|/);
}, 300_000); // trains twice: room for a machine shared with other work

test('--keep best and --patience choose each stage on validation: the kept epoch is the best, a stage stops after --patience epochs without a better one', async () => {
  const out = path.join(dir, 'best');
  const refused = await runCli(['-m', 'sfc', '--keep', 'best', '-o', out]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toBe('error: keep (--keep <epoch>) chooses on validation images: hold some out (validation, --validation <n>)\n');
  const { code, stderr } = await runCli(['--quiet', '-m', 'sfc', '--width', '0.25', '--validation', '1000', '--lr', '0.03', '--stage1-epochs', '4', '--stage3-epochs', '3', '--keep', 'best', '--patience', '1', '--tensorboard', '-o', out]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  // --tensorboard: one event file, every epoch's numbers under "<stage>/<metric>" at step epoch + 1.
  const logs = readdirSync(path.join(out, 'tensorboard'));
  expect(logs).toHaveLength(1);
  expect(logs[0]).toMatch(/^events\.out\.tfevents\.\d+\./);
  const events = readTensorBoardEvents(readFileSync(path.join(out, 'tensorboard', logs[0])));
  expect(events[0].fileVersion).toBe('brain.Event:2');
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  type Epoch = { epoch: number; validationAccuracy: number };
  const stages: { stage: string; history: Epoch[] }[] = report.compress.stages;
  const markdown = readFileSync(path.join(out, 'report.md'), 'utf8');
  for (const { stage, history } of stages) {
    const best = history.reduce((b, e) => (e.validationAccuracy > b.validationAccuracy ? e : b));
    const last = history[history.length - 1];
    // Patience: the stage ran to its end, or stopped one epoch after its best.
    if (history.length < (stage === 'stage 1' ? 4 : 3)) expect(last.epoch - best.epoch).toBe(1);
    expect(markdown).toContain(`| ${stage} | ${best.epoch + 1} (kept) |`);
    const logged = events.filter((e) => e.scalars && `${stage}/loss` in e.scalars);
    expect(logged.map((e) => e.step)).toEqual(history.map((e) => e.epoch + 1));
    expect(logged.map((e) => e.scalars![`${stage}/validation_accuracy`])).toEqual(history.map((e) => Math.fround(e.validationAccuracy)));
  }
  // The deployed model is stage 3's kept epoch: the report's validation accuracy is that epoch's (1 image in 1,000 of rounding).
  const stage3 = stages[1].history.reduce((b, e) => (e.validationAccuracy > b.validationAccuracy ? e : b));
  expect(Math.abs(report.validation.accuracy - stage3.validationAccuracy)).toBeLessThanOrEqual(0.001);
}, 300_000); // trains: room for a machine shared with other work

test('resume checks what it resumes: a corrupt checkpoint is said, other options are refused by name, no checkpoint means from scratch', async () => {
  const out = path.join(dir, 'resumed');
  const run = ['--quiet', 'compress', '-m', 'sfc', '--width', '0.25', '--stage1-epochs', '2', '--stage3-epochs', '1'];
  expect((await runCli([...run, '-o', out])).code).toBe(0);
  const latest = path.join(out, 'checkpoints', 'stage-1', 'latest.ckpt');
  const bytes = readFileSync(latest);
  bytes[bytes.length >> 1] ^= 0x40;
  writeFileSync(latest, bytes);
  const fallback = await runCli([...run, '-o', out, '--resume']);
  expect(fallback.code).toBe(0);
  expect(fallback.stderr).toContain(`warning: ${latest}: checksum mismatch: the file is truncated or corrupt; resuming from ${path.join(out, 'checkpoints', 'stage-1', 'previous.ckpt')} instead`);
  // Another run's options on this run's checkpoints (a run killed before its first checkpoint, then resumed).
  const other = await runCli([...run, '--seed', '5', '--lr', '5e-4', '-o', out, '--resume']);
  expect(other.code).toBe(1);
  expect(other.stderr).toMatch(/latest\.ckpt: was made by another configuration \(learningRate 0\.003 there, 0\.0005 here; seed 1 there, 5 here\)/);
  // The run's own configuration stays, so its resume command still works.
  expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'))).toMatchObject({ seed: 1, learningRate: 3e-3 });
  const fresh = await runCli([...run, '-o', path.join(dir, 'never-run'), '--resume']);
  expect(fresh.code).toBe(0);
  expect(fresh.stderr).toBe(`warning: --resume: no checkpoint in ${path.join(dir, 'never-run', 'checkpoints')}; starting from scratch\n`);
}, 300_000); // trains three times: room for a machine shared with other work

test('notebook serves the page on 127.0.0.1 until Ctrl-C; a bad port is bad usage', async () => {
  let url = '';
  let page = '';
  const result = await runCli(['--json', 'notebook', '--port', '0'], {
    onStdout: (text, child) => {
      const event = text.split('\n').find((line) => line.includes('"notebook"'));
      if (!event || url) return;
      url = JSON.parse(event).url;
      fetch(url)
        .then((response) => response.text())
        .then((html) => (page = html))
        .finally(() => child.kill('SIGINT'));
    },
  });
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  expect(page).toContain('<title>sparse-ternary notebook</title>');
  expect(result.code).toBe(0);
  const bad = await runCli(['notebook', '--port', 'x']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/expected an integer >= 0 and <= 65535/);
}, 60_000);

test.each(['SIGINT', 'SIGTERM'] as const)('the notebook stopped by %s removes its temporary folder', async (signal) => {
  const tmp = mkdtempSync(path.join(dir, 'notebook-tmp-'));
  // Other libraries leave their own files in TMPDIR; the notebook's folder is st-notebook-*.
  const notebookFolders = () => readdirSync(tmp).filter((f) => f.startsWith('st-notebook-'));
  let made: string[] = [];
  const result = await runCli(['--json', 'notebook', '--port', '0'], {
    env: { TMPDIR: tmp },
    onStdout: (text, child) => {
      if (made.length || !text.includes('"notebook"')) return;
      made = notebookFolders();
      child.kill(signal);
    },
  });
  expect(made).toHaveLength(1);
  expect(result.code).toBe(0);
  expect(notebookFolders()).toEqual([]);
}, 60_000);

test("the notebook's sweep cell runs its points as compress processes on local workers, from the uploaded model", async () => {
  const tmp = mkdtempSync(path.join(dir, 'notebook-sweep-'));
  const upload = path.join(dir, 'sfc-upload.onnx');
  expect((await runCli(['export', '-m', 'sfc', '-o', upload])).code).toBe(0);
  let drive: Promise<{ results: Record<string, unknown>; runs: { log: boolean; config: Record<string, unknown> }[] }> | undefined;
  const result = await runCli(['--json', 'notebook', '--port', '0'], {
    env: { TMPDIR: tmp },
    onStdout: (text, child) => {
      const event = text.split('\n').find((line) => line.includes('"notebook"'));
      if (!event || drive) return;
      const url = new URL(JSON.parse(event).url);
      const headers = { 'x-notebook-token': url.searchParams.get('token')! };
      const post = async (cell: string, body: string | Uint8Array, query = '') => {
        const response = await fetch(new URL(`api/cells/${cell}${query}`, url), { method: 'POST', body, headers });
        expect({ cell, status: response.status, body: response.status === 200 ? '' : await response.text() }).toEqual({ cell, status: 200, body: '' });
      };
      const results = async () => ((await (await fetch(new URL('api/state', url), { headers })).json()) as { results: Record<string, unknown> }).results;
      drive = (async () => {
        await post('data', JSON.stringify({ data: 'mnist-10k' }));
        await post('upload', new Uint8Array(readFileSync(upload)), '?name=sfc-upload.onnx');
        await post('sweep', JSON.stringify({ option: 'stage1Epochs', values: '0, 1' }));
        for (let i = 0; i < 1200 && !(await results()).sweep; i++) await new Promise((resolve) => setTimeout(resolve, 500));
        // The session's folder goes when the notebook stops: what the runs left, read now.
        const runsDir = path.join(tmp, readdirSync(tmp).find((f) => f.startsWith('st-notebook-'))!, 'sweep', 'runs');
        const runs = readdirSync(runsDir).map((run) => ({ log: existsSync(path.join(runsDir, run, 'sweep.log')), config: JSON.parse(readFileSync(path.join(runsDir, run, 'run.json'), 'utf8')) }));
        return { results: await results(), runs };
      })().finally(() => child.kill('SIGINT'));
    },
  });
  const { results, runs } = await drive!;
  expect(result.code).toBe(0);
  const points = (results.sweep as { points: { value: number; accuracy: number }[] }).points;
  expect(points.map((p) => p.value)).toEqual([0, 1]);
  expect(points[1].accuracy).toBeGreaterThan(0.8);
  // Each point was a `compress` process of its own (its log beside it) on the model as uploaded, saved as a file.
  expect(runs.map((r) => [r.log, r.config.stage1Epochs]).sort()).toEqual([[true, 0], [true, 1]]);
  for (const { config } of runs) expect(config).toMatchObject({ model: expect.stringMatching(/st-notebook-.*loaded\.onnx$/), restoreBatchNorm: false, threads: 1 });
}, 600_000);
