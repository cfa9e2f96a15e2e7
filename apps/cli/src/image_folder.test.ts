// A user's own images (--data <folder of class folders>) with a PyTorch-trained ONNX model: the
// Fashion-MNIST slice of fixtures/ written out as PNGs, as a user would keep it.
import { loadDatasetFrom } from '@sparse-ternary/datasets';
import { readOnnxFile } from '@sparse-ternary/onnx';
import { PNG } from 'pngjs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixture } from '../../../tools/testing/fixtures';
import { runCli } from './testing/run_cli';

const LENET = fixture('models', 'lenet.onnx');
const reference = JSON.parse(readFileSync(fixture('models', 'lenet.json'), 'utf8')) as { sliceAccuracy: number };
let dir: string;
let images: string;

/** Writes grey 28x28 images as RGB PNGs (r = g = b, so PIL's luminance gives the grey back exactly). */
function writeSplit(split: string, set: ReturnType<typeof loadDatasetFrom>['test'], classes: string[], count: number, root = images): void {
  for (let i = 0; i < count; i++) {
    if (!classes[set.labels[i]]) continue;
    const png = new PNG({ width: 28, height: 28 });
    for (let p = 0; p < 784; p++) {
      const v = set.images[i * 784 + p];
      png.data.set([v, v, v, 255], p * 4);
    }
    const folder = path.join(root, split, classes[set.labels[i]]);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${i}.png`), PNG.sync.write(png));
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'st-cli-images-'));
  images = path.join(dir, 'fashion');
  process.env.XDG_CACHE_HOME = path.join(dir, 'cache'); // the decoded-image cache, for the commands run below
  const slice = loadDatasetFrom(fixture('fashion-mnist-1k'));
  const classes = slice.classes.map((c) => c.replace('/', '-'));
  writeSplit('train', slice.train, classes, 400);
  writeSplit('test', slice.test, classes, slice.test.count);
  // three of the ten classes: data with other classes than the model predicts
  writeSplit('train', slice.train, classes.slice(0, 3), slice.train.count, path.join(dir, 'three'));
  writeSplit('test', slice.test, classes.slice(0, 3), slice.test.count, path.join(dir, 'three'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("eval on a folder of PNGs gives PyTorch's accuracy on the same images", async () => {
  const { code, stdout, stderr } = await runCli(['--json', 'eval', '-m', LENET, '-d', images], { cwd: dir });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const event = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.event === 'accuracy');
  expect(event).toMatchObject({ data: 'image-folder', images: 1000 });
  expect(event.accuracy).toBeCloseTo(reference.sliceAccuracy, 4);
});

test('compress trains, prunes and exports an imported model on the folder', async () => {
  const out = path.join(dir, 'out');
  const args = ['compress', '-m', LENET, '-d', images, '--stage1-epochs', '1', '--stage3-epochs', '1', '--mean', 'unit', '-o', out];
  const { code, stdout, stderr } = await runCli(args, { cwd: dir });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  expect(report.dataset).toMatchObject({ name: 'image-folder', train: 400, test: 1000 });
  expect(report.accuracyBefore).toBeCloseTo(reference.sliceAccuracy, 4);
  expect(report.compress.sparsity).toBeGreaterThan(0.9);
  expect(report.config).toMatchObject({ mean: 'unit', restoreBatchNorm: true });
  // The PyTorch LeNet's two convolutions have no BatchNorm: each gets one, exported with the model.
  expect(stdout).toMatch(/BatchNorm restored after 2 convolutions/);
  const ops = (file: string) => readOnnxFile(file).nodes.map((n) => n.opType);
  expect(ops(path.join(out, 'model.onnx')).filter((op) => op === 'BatchNormalization')).toHaveLength(2);
  const kept = path.join(dir, 'out-kept');
  const keptRun = await runCli([...args.slice(0, -1), kept, '--no-restore-batch-norm'], { cwd: dir });
  expect(keptRun.code).toBe(0);
  expect(keptRun.stdout).not.toMatch(/BatchNorm restored/);
  expect(ops(path.join(kept, 'model.onnx'))).not.toContain('BatchNormalization');
}, 300_000);

test('a model of 10 classes on data of 3: a clear error, and with --replace-head a new final layer is trained', async () => {
  const three = path.join(dir, 'three');
  const refused = await runCli(['compress', '-m', LENET, '-d', three, '-o', path.join(dir, 'refused')], { cwd: dir });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/lenet\.onnx predicts 10 classes; data .*three has 3: compress with --replace-head/);
  const out = path.join(dir, 'three-out');
  const { code, stderr } = await runCli(['compress', '-m', LENET, '-d', three, '--replace-head', '--method', 'float', '--stage1-epochs', '1', '-o', out], { cwd: dir });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  expect(report.dataset).toMatchObject({ name: 'image-folder' });
  // T-shirt, trouser, pullover: the pretrained features separate them well once the new head has trained
  expect(report.compress.accuracy).toBeGreaterThan(0.8);
  const evaluated = await runCli(['--json', 'eval', '-m', path.join(out, 'model.onnx'), '-d', three], { cwd: dir });
  expect(JSON.parse(evaluated.stdout.trim().split('\n').pop()!).accuracy).toBeCloseTo(report.compress.accuracy, 10);
}, 300_000);

test.each([
  [['--mean', '0.5,0.5'], /error: mean has 2 values; the images have 1 channel/],
  [['--std', 'imagenet,2'], /option '--std <preset\|values>' argument 'imagenet,2' is invalid/],
  [['--input-size', '0'], /option '--input-size <n\|h,w>' argument '0' is invalid/],
  [['--input-size', '32'], /model .*lenet\.onnx takes 28x28x1 images; data .* has 32x32x1/],
])('bad image options %j exit 2 with one clear line', async (extra, message) => {
  const { code, stderr } = await runCli(['eval', '-m', LENET, '-d', images, ...extra], { cwd: dir });
  expect(stderr).toMatch(message);
  expect(code).toBe(2);
});
