// `sparse-ternary bench`: each backend kernel by kernel, then the step compiled into one
// onnxruntime graph, or the reason a model's step is not compiled.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { seededRandom } from '@sparse-ternary/base';
import { GraphBuilder } from '@sparse-ternary/engine';
import os from 'node:os';
import path from 'node:path';
import { fixture } from '../../../tools/testing/fixtures';
import { runCli } from './testing/run_cli';

const COMPILED_ROW = /\| ort \| [\d.]+ \| 1\.0x \|\n\| compiled step \(onnxruntime\) \| [\d.]+ \| [\d.]+x \|/;

test("bench times the compiled step beside the backends: a topology, and PyTorch's LeNet (logits, imported)", async () => {
  const built = await runCli(['bench', '-m', 'tfc', '-b', '20', '--steps', '1', '--backends', 'ort']);
  expect(built.code).toBe(0);
  expect(built.stdout).toMatch(COMPILED_ROW);
  const imported = await runCli(['bench', '-m', fixture('models', 'lenet.onnx'), '-b', '8', '--steps', '1', '--backends', 'ort']);
  expect(imported.code).toBe(0);
  expect(imported.stdout).toMatch(COMPILED_ROW);
}, 120_000);

/** An MLP with a softplus hidden layer (an activation the compiled step does not take), as an ONNX file in `dir`. */
function softplusMlp(dir: string): string {
  const b = new GraphBuilder();
  b.input('x', 'float32', ['N', 1, 28, 28]);
  const random = seededRandom(7);
  const weights = (rows: number, columns: number) => b.constFloat(Float32Array.from({ length: rows * columns }, () => (random() - 0.5) * 0.1), [rows, columns]);
  const hidden = b.op('Softplus', [b.op('Gemm', [b.op('Flatten', ['x']), weights(784, 16)])]);
  b.rename(b.op('Gemm', [hidden, weights(16, 10)]), 'logits');
  b.output('logits', 'float32');
  const file = path.join(dir, 'softplus.onnx');
  writeFileSync(file, b.build({ graphName: 'softplus-mlp' }));
  return file;
}

test('--training-step compiled refuses what it cannot compile, naming why', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'st-training-step-'));
  const { code, stderr } = await runCli(['compress', '-m', softplusMlp(dir), '-d', 'mnist-10k', '--stage1-epochs', '1', '--stage3-epochs', '1', '--training-step', 'compiled', '-o', path.join(dir, 'out')]);
  rmSync(dir, { recursive: true, force: true });
  expect(code).not.toBe(0);
  expect(stderr).toMatch(/the training step cannot be compiled: layer '[^']+': activation 'softplus' is not compiled/);
}, 120_000);
