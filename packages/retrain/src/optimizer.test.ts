// SGD with Nesterov momentum and weight decay on the kernels only, compiled and kernel by kernel:
// two steps of a dense layer of logits against the same steps by hand, and three steps of a
// network with BatchNorm against torch.optim.SGD(nesterov=True) with the reference recipes'
// parameter groups (decay on weights of rank 2 and up, none on BatchNorm's or the biases).
import { initEngine, batchNormalization } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { spawnSync } from 'node:child_process';
import { PYTHON3_TORCH, testWith } from '../../../tools/testing/system_tools';
import { train } from './train';
import { CLASSES, data, FEATURES, labels, N, x } from './testing/tiny_batch';

beforeAll(() => initEngine({ backend: 'ort' }));

const [RATE, MOMENTUM, DECAY] = [0.5, 0.9, 0.05];

/** Two steps of torch's SGD(nesterov=True) on s = x W + b, by hand: g = dL/dp (+ DECAY W for the kernel), a = MOMENTUM a + g, p -= RATE (g + MOMENTUM a). */
function byHand(): { kernel: number[]; bias: number[] } {
  let [W, b] = [[0.5, -0.3, 0.2, -0.4, 0.8, 0.1, 0.3, 0.6, -0.7], [0.1, -0.2, 0.05]];
  let [aW, ab] = [W.map(() => 0), b.map(() => 0)];
  for (let step = 0; step < 2; step++) {
    const gW = W.map((w) => DECAY * w);
    const gb = b.map(() => 0);
    for (let r = 0; r < N; r++) {
      const s = b.map((bk, k) => bk + Array.from({ length: FEATURES }, (_, i) => x[r * FEATURES + i] * W[i * CLASSES + k]).reduce((u, v) => u + v));
      const e = s.map(Math.exp);
      const sum = e.reduce((u, v) => u + v);
      e.forEach((ek, k) => {
        const d = (ek / sum - (k === labels[r] ? 1 : 0)) / N;
        gb[k] += d;
        for (let i = 0; i < FEATURES; i++) gW[i * CLASSES + k] += x[r * FEATURES + i] * d;
      });
    }
    aW = aW.map((a, j) => MOMENTUM * a + gW[j]);
    ab = ab.map((a, k) => MOMENTUM * a + gb[k]);
    W = W.map((w, j) => w - RATE * (gW[j] + MOMENTUM * aW[j]));
    b = b.map((v, k) => v - RATE * (gb[k] + MOMENTUM * ab[k]));
  }
  return { kernel: W, bias: b };
}

test.each(['compiled', 'kernels'] as const)('%s: two Nesterov steps with weight decay on the kernel, not the bias, as by hand within 1e-6', async (trainingStep) => {
  const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [1, FEATURES, 1] }), tfl.layers.dense({ units: CLASSES })] });
  model.setWeights([tf.tensor2d([0.5, -0.3, 0.2, -0.4, 0.8, 0.1, 0.3, 0.6, -0.7], [FEATURES, CLASSES]), tf.tensor1d([0.1, -0.2, 0.05])]);
  const { trainingStep: how } = await train(model, data, { epochs: 2, batchSize: N, optimizer: 'nesterov', learningRate: RATE, weightDecay: DECAY, trainingStep });
  expect(how.kind).toBe(trainingStep);
  const [kernel, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
  const expected = byHand();
  expect(Math.max(...kernel.map((v, i) => Math.abs(v - expected.kernel[i])))).toBeLessThan(1e-6);
  expect(Math.max(...bias.map((v, i) => Math.abs(v - expected.bias[i])))).toBeLessThan(1e-6);
}, 60_000);

/** x -> dense 5 -> BatchNorm -> ReLU -> dense (logits), seeded. */
function bnNetwork(): tfl.LayersModel {
  const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [1, FEATURES, 1] }), tfl.layers.dense({ units: 5 }), batchNormalization(), tfl.layers.reLU(), tfl.layers.dense({ units: CLASSES })] });
  const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + k) * 0.8);
  // model.weights: the trainable ones first (kernel, bias, gamma, beta, kernel, bias), then the moving statistics.
  model.setWeights([tf.tensor2d(values(15, 1), [FEATURES, 5]), tf.tensor1d(values(5, 2)), tf.tensor1d(values(5, 3).map((v) => 1 + v / 4)), tf.tensor1d(values(5, 4)), tf.tensor2d(values(15, 5), [5, CLASSES]), tf.tensor1d(values(3, 6)), tf.zeros([5]), tf.ones([5])]);
  return model;
}

const TORCH_STEPS = `
import json, sys, torch
a = json.load(sys.stdin)
torch.set_default_dtype(torch.float64)
net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.BatchNorm1d(5, eps=1e-3), torch.nn.ReLU(), torch.nn.Linear(5, 3))
w = [torch.tensor(v) for v in a['weights']]
with torch.no_grad():
    net[0].weight.copy_(w[0].reshape(3, 5).T); net[0].bias.copy_(w[1])
    net[1].weight.copy_(w[2]); net[1].bias.copy_(w[3])
    net[3].weight.copy_(w[4].reshape(5, 3).T); net[3].bias.copy_(w[5])
decayed = [p for p in net.parameters() if p.dim() > 1]
kept = [p for p in net.parameters() if p.dim() <= 1]
opt = torch.optim.SGD([{'params': decayed, 'weight_decay': a['decay']}, {'params': kept, 'weight_decay': 0}], lr=a['rate'], momentum=a['momentum'], nesterov=True)
x = torch.tensor(a['x']).reshape(-1, 3); y = torch.tensor(a['labels'])
for _ in range(a['steps']):
    opt.zero_grad(); torch.nn.functional.cross_entropy(net(x), y).backward(); opt.step()
print(json.dumps([net[0].weight.T.flatten().tolist(), net[0].bias.tolist(), net[1].weight.tolist(), net[1].bias.tolist(), net[3].weight.T.flatten().tolist(), net[3].bias.tolist()]))
`;

describe.each(['compiled', 'kernels'] as const)('%s', (trainingStep) => {
  testWith(PYTHON3_TORCH)("three Nesterov steps with weight decay through BatchNorm equal torch.optim.SGD's (float64) within 1e-5", async () => {
    const model = bnNetwork();
    const initial = model.getWeights().map((w) => Array.from(w.dataSync()));
    const torch = spawnSync('/usr/bin/python3', ['-c', TORCH_STEPS], { input: JSON.stringify({ weights: initial, x, labels, rate: 0.2, momentum: MOMENTUM, decay: DECAY, steps: 3 }), encoding: 'utf8' });
    expect(torch.stderr).toBe('');
    const expected: number[][] = JSON.parse(torch.stdout);
    await train(model, data, { epochs: 3, batchSize: N, optimizer: 'nesterov', learningRate: 0.2, weightDecay: DECAY, trainingStep });
    const trained = model.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    trained.forEach((values, i) => expect(Math.max(...values.map((v, k) => Math.abs(v - expected[i][k])))).toBeLessThan(1e-5));
    // Three steps moved every weight but the bias before BatchNorm (whose gradient BatchNorm's centering cancels): the comparison can fail.
    [0, 2, 3, 4, 5].forEach((i) => expect(Math.max(...trained[i].map((v, k) => Math.abs(v - initial[i][k])))).toBeGreaterThan(1e-3));
  }, 60_000);
});
