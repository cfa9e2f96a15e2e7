// Real torchvision architectures as PyTorch exports them (Debian's python3-torch and
// python3-torchvision, random seeded weights, fixtures/torchvision_exports.py), imported,
// ternarized, packed and run: the WebAssembly kernels and the reference give TF.js's outputs, and
// every convolution, pooling and addition runs in the kernels.
import { initEngine } from '@sparse-ternary/engine';
import { importOnnx } from '@sparse-ternary/onnx';
import { ternarizeModel, twnQuantizer } from '@sparse-ternary/quantize-prune';
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixture } from '../../../tools/testing/fixtures';
import { PYTHON3_TORCHVISION, testWith } from '../../../tools/testing/system_tools';
import { load } from './index';
import { pack } from './pack';

// Inverted residual blocks with depthwise convolutions, ReLU6 and global pooling; MnasNet's mean by
// ReduceMean. (Residual networks and grouped convolutions: runtime.test.ts; resnet18 and
// regnet_x_400mf pack too, docs/runtime-bench.md, but take long in jest.)
const MODELS = ['mobilenet_v2', 'mnasnet0_5'];
const SIZE = 32;

let dir: string | undefined;
beforeAll(() => initEngine({ backend: 'ort' }));
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

testWith(PYTHON3_TORCHVISION)(
  `${MODELS.join(', ')} pack ternarized, run every layer in the WebAssembly kernels, and give TF.js's outputs within 1e-5`,
  () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'torchvision-runtime-'));
    execFileSync('/usr/bin/python3', [fixture('torchvision_exports.py'), dir, '--size', String(SIZE), '--opsets', '13', '--models', MODELS.join(','), '--forms', 'dynamic'], { stdio: 'ignore' });
    for (const name of MODELS) {
      const { model } = importOnnx(path.join(dir, `${name}-op13-dynamic.onnx`));
      ternarizeModel(model, twnQuantizer(0.7));
      const input = Float32Array.from({ length: 2 * SIZE * SIZE * 3 }, (_, i) => ((i * 31) % 89) / 89 - 0.5);
      const expected = tf.tidy(() => (model.predict(tf.tensor(input, [2, SIZE, SIZE, 3])) as tf.Tensor).dataSync());
      const scale = Math.max(...expected.map(Math.abs));
      const bytes = pack(model);
      for (const kernels of ['wasm', 'scalar'] as const) {
        const outputs = load(bytes, { kernels }).predict(input, 2);
        const error = Math.max(...outputs.map((v, i) => Math.abs(v - expected[i]))) / scale;
        expect({ name, kernels, error: error < 1e-5 }).toEqual({ name, kernels, error: true });
      }
      const operations = load(bytes).profile(input.subarray(0, SIZE * SIZE * 3), 1).map((p) => p.operation);
      expect({ name, reference: operations.filter((o) => /reference|pool$/.test(o)) }).toEqual({ name, reference: [] });
      model.dispose();
    }
  },
  300_000,
);
