// The reference nets of the benchmarks, as TF.js layers models: FINN's LFC, SFC and CNV, and He et
// al.'s CIFAR ResNet-20 (the built-in topology).
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalization } from '@sparse-ternary/engine';
import { resnet20 } from '@sparse-ternary/models';

/** FINN's MLPs on 28x28 inputs: three hidden layers of `width` units with BatchNorm and ReLU. */
function mlp(width) {
  const m = tfl.sequential();
  m.add(tfl.layers.flatten({ inputShape: [28, 28, 1] }));
  for (let i = 0; i < 3; i++) {
    m.add(tfl.layers.dense({ units: width, useBias: false }));
    m.add(batchNormalization());
    m.add(tfl.layers.activation({ activation: 'relu' }));
  }
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

function cnv() {
  const m = tfl.sequential();
  const convBnRelu = (filters, first = false) => {
    m.add(tfl.layers.conv2d({ filters, kernelSize: 3, useBias: false, ...(first ? { inputShape: [32, 32, 3] } : {}) }));
    m.add(batchNormalization());
    m.add(tfl.layers.activation({ activation: 'relu' }));
  };
  convBnRelu(64, true);
  convBnRelu(64);
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  convBnRelu(128);
  convBnRelu(128);
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  convBnRelu(256);
  convBnRelu(256);
  m.add(tfl.layers.flatten());
  for (const units of [512, 512]) {
    m.add(tfl.layers.dense({ units, useBias: false }));
    m.add(batchNormalization());
    m.add(tfl.layers.activation({ activation: 'relu' }));
  }
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

/**
 * LFC: 784-1024-1024-1024-10 and SFC: 784-256-256-256-10, BatchNorm, ReLU; CNV: FINN's CIFAR-10 VGG-like net;
 * ResNet-20 at the CIFAR recipes' batch of 128. cpuSteps: steps
 * timed on the 'cpu' backend, where an LFC step takes about 2 s and a CNV step about 9 minutes.
 */
export const NETS = {
  lfc: { batch: 100, inputShape: [28, 28, 1], build: () => mlp(1024), cpuSteps: 3 },
  sfc: { batch: 100, inputShape: [28, 28, 1], build: () => mlp(256), cpuSteps: 3 },
  cnv: { batch: 50, inputShape: [32, 32, 3], build: cnv, cpuSteps: 1 },
  resnet20: { batch: 128, inputShape: [32, 32, 3], build: () => resnet20({ seed: 1 }), cpuSteps: 1 },
};

/**
 * A benchmark net by name, or an ONNX file (a torchvision classifier exported by
 * fixtures/torchvision_exports.py, named `<architecture>-...onnx`) imported at `batch`: its
 * PyTorch peer is that torchvision architecture at the file's input size.
 */
export async function benchNet(name, batch = 8) {
  if (!name.endsWith('.onnx')) return { ...NETS[name], classes: 10, torch: [name] };
  // An ONNX file is read and imported once per process, whatever asks for it.
  const key = `${name}@${batch}`;
  if (!imported.has(key)) imported.set(key, importedNet(name, batch));
  return imported.get(key);
}

const imported = new Map();

async function importedNet(name, batch) {
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { importOnnx } = await import('@sparse-ternary/onnx');
  const bytes = readFileSync(name);
  const build = () => importOnnx(bytes).model;
  const model = build();
  const inputShape = model.inputs[0].shape.slice(1);
  const classes = model.outputs[0].shape[1];
  model.dispose();
  return { batch, inputShape, build, classes, cpuSteps: 1, torch: [path.basename(name).split('-')[0], String(inputShape[0])] };
}
