// Real torchvision classifiers exported by torch.onnx.export (Debian's python3-torch and
// python3-torchvision; random seeded weights; made here by fixtures/torchvision_exports.py, too
// large to commit): each imports and matches PyTorch, and its ternarized float, int8 and QONNX
// exports give TF.js's outputs. tools/onnx-zoo-check.mjs runs the whole list (16 models, opsets
// 9-17, dynamic and fixed batch, plus a short compress) and writes the README's table.
import { initEngine } from '@sparse-ternary/engine';
import { ternarizeModel, twnQuantizer } from '@sparse-ternary/quantize-prune';
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixture } from '../../../tools/testing/fixtures';
import { PYTHON3_TORCHVISION, testWith } from '../../../tools/testing/system_tools';
import { exportOnnx, importOnnx, type WeightFormat } from './index';
import { maxAbsDifference, runOrt } from './testing/onnx_fixtures';

// One of each structure: residuals, SE blocks with HardSwish, channel split and shuffle, a conv
// head with concatenations, ReduceMean, grouped convolutions, ceil-mode pooling with branches.
const MODELS = ['resnet18', 'mobilenet_v3_small', 'shufflenet_v2_x0_5', 'squeezenet1_1', 'mnasnet0_5', 'regnet_x_400mf', 'googlenet'];
const OPSETS = [11, 17]; // torch 1.13 cannot export shufflenet at opset 9
const SIZE = 32;

let dir: string | undefined;
/** Runs the generator once, for the first test that needs it. */
function exports(): string {
  if (!dir) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'torchvision-'));
    execFileSync('/usr/bin/python3', [fixture('torchvision_exports.py'), dir, '--size', String(SIZE), '--opsets', OPSETS.join(','), '--models', MODELS.join(','), '--forms', 'dynamic'], { stdio: 'ignore' });
  }
  return dir;
}
beforeAll(() => initEngine({ backend: 'ort' }));
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

const floats = (file: string) => {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
/** The largest difference over the largest magnitude of the reference. */
const relativeError = (actual: ArrayLike<number>, expected: ArrayLike<number>) => maxAbsDifference(actual, expected) / maxAbsDifference(expected, new Float32Array(expected.length));

describe.each(MODELS)('%s', (name) => {
  testWith(PYTHON3_TORCHVISION)(`at opsets ${OPSETS.join(' and ')}: imports, matches PyTorch within 1e-4, and its ternary float, int8 and QONNX exports give the same outputs`, async () => {
    const folder = exports();
    const input = floats(path.join(folder, `${name}.input.bin`));
    const dims = [2, 3, SIZE, SIZE];
    for (const opset of OPSETS) {
      const { model } = importOnnx(path.join(folder, `${name}-op${opset}-dynamic.onnx`));
      const predict = (m = model) => tf.tidy(() => (m.predict(tf.transpose(tf.tensor(input, dims), [0, 2, 3, 1])) as tf.Tensor).dataSync());
      expect({ opset, error: relativeError(predict(), floats(path.join(folder, `${name}.logits.bin`))) < 1e-4 }).toEqual({ opset, error: true });
      ternarizeModel(model, twnQuantizer(0.7));
      const ternary = predict();
      for (const format of ['float', 'int8', 'qonnx'] as WeightFormat[]) {
        const { bytes } = exportOnnx(model, { format });
        let out: ArrayLike<number>;
        if (format === 'qonnx') {
          // onnxruntime cannot run QONNX's custom domain: read back by the importer
          const back = importOnnx(bytes).model;
          out = predict(back);
          back.dispose();
        } else {
          out = (await runOrt(bytes, input, dims, 'input')).data;
        }
        expect({ opset, format, error: relativeError(out, ternary) < 1e-4 }).toEqual({ opset, format, error: true });
      }
      model.dispose();
    }
  }, 600_000);
});
