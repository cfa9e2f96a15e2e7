// Test helper: the PyTorch-exported reference models in fixtures/models, and the Fashion-MNIST slice
// they were checked on (fixtures/README.md says how both were made).
import { loadDataset, type Dataset } from '@sparse-ternary/datasets';
import { readFileSync } from 'node:fs';
import { fixture } from '../../../../tools/testing/fixtures';

export interface ReferenceCase {
  inputShape: number[];
  logits: number[];
  logitsShape: number[];
  labels: number[];
  sliceAccuracy: number;
  opset: number;
  dataset: string;
}

export const REFERENCE_MODELS = ['mlp', 'lenet'] as const;

export const referenceModel = (name: string): string => fixture('models', `${name}.onnx`);

export const referenceCase = (name: string): ReferenceCase => JSON.parse(readFileSync(fixture('models', `${name}.json`), 'utf8'));

/** The first 1,000 training and test images of Fashion-MNIST. */
export const fashionMnistSlice = (): Dataset => loadDataset('fashion-mnist', { path: fixture('fashion-mnist-1k') });

/** The first `count` test images of the slice as floats in [0, 1] (NHWC and NCHW are the same order for one channel). */
export const sliceImages = (count: number): Float32Array => Float32Array.from(fashionMnistSlice().test.images.subarray(0, count * 784), (p) => p / 255);
