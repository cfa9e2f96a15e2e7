// `sparse-ternary bench`: each backend kernel by kernel, then the step compiled into one
// onnxruntime graph, or the reason a model's step is not compiled.
import { mkdtempSync, rmSync } from 'node:fs';
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

test('--training-step compiled refuses what it cannot compile, naming why', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'st-training-step-'));
  const { code, stderr } = await runCli(['compress', '-m', 'tfc', '-d', 'mnist-10k', '--stage1-epochs', '1', '--stage3-epochs', '1', '--l2', '1e-4', '--training-step', 'compiled', '-o', path.join(dir, 'out')]);
  rmSync(dir, { recursive: true, force: true });
  expect(code).not.toBe(0);
  expect(stderr).toContain('the training step cannot be compiled: regularizers are not compiled yet');
}, 120_000);
