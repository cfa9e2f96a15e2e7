import * as tf from '@tensorflow/tfjs-core';
import { compareBackends, pick, randomValues, seededRandom, startOrt } from '../../testing/backend_comparison';

beforeAll(() => startOrt());

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface ConvCase {
  i: number;
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  stride: number;
  dilation: number;
  pad: Pad;
  seed: number;
}

/** Random convolution geometries with valid outputs and bounded cpu cost. */
function convCases(seed: number, count: number, opts: { dilation: boolean }): ConvCase[] {
  const rng = seededRandom(seed);
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const c: ConvCase = {
      i: cases.length,
      n: pick(rng, [1, 2, 5, 64]),
      h: 3 + Math.floor(rng() * 14),
      w: 3 + Math.floor(rng() * 14),
      ci: pick(rng, [1, 3, 16, 64]),
      co: pick(rng, [1, 8, 17, 64]),
      k: pick(rng, [1, 2, 3, 5]),
      stride: pick(rng, [1, 2]),
      dilation: 1,
      pad: pick<Pad>(rng, ['same', 'valid', [[0, 0], [1, 0], [0, 2], [0, 0]], [[0, 0], [2, 2], [1, 1], [0, 0]]]),
      seed: Math.floor(rng() * 1e9),
    };
    if (opts.dilation && c.stride === 1) c.dilation = pick(rng, [1, 2]);
    const span = (c.k - 1) * c.dilation + 1;
    const [ph, pw] = Array.isArray(c.pad) ? [c.pad[1][0] + c.pad[1][1], c.pad[2][0] + c.pad[2][1]] : [0, 0];
    if (c.pad !== 'same' && (c.h + ph < span || c.w + pw < span)) continue;
    if (c.n * c.h * c.w * c.ci * c.co * c.k * c.k > 4e6) continue;
    cases.push(c);
  }
  return cases;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function tensors(c: ConvCase) {
  const r = seededRandom(c.seed);
  return {
    x: randomValues(r, c.n * c.h * c.w * c.ci),
    filter: randomValues(r, c.k * c.k * c.ci * c.co),
    bias: randomValues(r, c.co),
  };
}

describe('Conv2D and FusedConv2D on ort match the cpu kernels', () => {
  const cases = convCases(11, 40, { dilation: true });
  test.each(cases)('case $i: x [$n,$h,$w,$ci] k$k co$co s$stride d$dilation pad $pad', (c) => {
    const { x, filter, bias } = tensors(c);
    const activation = pick(seededRandom(c.seed), ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid'] as const);
    const { relError, ortRuns } = compareBackends(() => {
      const xt = tf.tensor4d(x, [c.n, c.h, c.w, c.ci]);
      const ft = tf.tensor4d(filter, [c.k, c.k, c.ci, c.co]);
      const plain = tf.conv2d(xt, ft, c.stride, c.pad, 'NHWC', c.dilation);
      const fused = tf.fused.conv2d({
        x: xt,
        filter: ft,
        strides: c.stride,
        pad: c.pad,
        dilations: c.dilation,
        bias: tf.tensor1d(bias),
        activation,
        leakyreluAlpha: 0.1,
      });
      return [plain, fused];
    });
    expect(relError).toBeLessThan(1e-4);
    const out = tf.tidy(() => tf.conv2d(tf.zeros([c.n, c.h, c.w, c.ci]) as tf.Tensor4D, tf.zeros([c.k, c.k, c.ci, c.co]) as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dilation).shape);
    expect(ortRuns > 0).toBe(size(out) * c.k * c.k * c.ci >= 4096);
  });
});

describe('DepthwiseConv2dNative on ort matches the cpu kernel', () => {
  const cases = convCases(12, 15, { dilation: true });
  test.each(cases)('case $i: x [$n,$h,$w,$ci] k$k s$stride d$dilation pad $pad', (c) => {
    const multiplier = (c.seed % 2) + 1;
    const r = seededRandom(c.seed);
    const x = randomValues(r, c.n * c.h * c.w * c.ci);
    const filter = randomValues(r, c.k * c.k * c.ci * multiplier);
    const { relError } = compareBackends(() =>
      tf.depthwiseConv2d(
        tf.tensor4d(x, [c.n, c.h, c.w, c.ci]),
        tf.tensor4d(filter, [c.k, c.k, c.ci, multiplier]),
        c.stride,
        c.pad,
        'NHWC',
        c.dilation,
      ),
    );
    expect(relError).toBeLessThan(1e-4);
  });
});

describe('Conv2DBackpropInput and Conv2DBackpropFilter on ort match the cpu kernels', () => {
  const cases = convCases(13, 30, { dilation: false });
  test.each(cases)('case $i: x [$n,$h,$w,$ci] k$k co$co s$stride pad $pad', (c) => {
    const { x, filter } = tensors(c);
    const { relError, ortRuns } = compareBackends(() => {
      const xt = tf.tensor4d(x, [c.n, c.h, c.w, c.ci]);
      const ft = tf.tensor4d(filter, [c.k, c.k, c.ci, c.co]);
      // A loss whose dy is not uniform: sum(conv^2) / 2 has dy = conv.
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.div(tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad))), 2);
      return tf.grads(loss)([xt, ft]);
    });
    expect(relError).toBeLessThan(1e-4);
    if (c.n * c.h * c.w * c.ci * c.co * c.k * c.k >= 4e5) expect(ortRuns).toBeGreaterThan(0);
  });

  test('NCHW data format gives the same gradients', () => {
    const c = { n: 4, h: 9, w: 7, ci: 6, co: 10, k: 3 };
    const r = seededRandom(5);
    const x = randomValues(r, c.n * c.h * c.w * c.ci);
    const filter = randomValues(r, c.k * c.k * c.ci * c.co);
    const dy = randomValues(r, c.n * 5 * 4 * c.co);
    const { relError, ortRuns } = compareBackends(() => {
      const xt = tf.tensor4d(x, [c.n, c.ci, c.h, c.w]);
      const ft = tf.tensor4d(filter, [c.k, c.k, c.ci, c.co]);
      const dyt = tf.tensor4d(dy, [c.n, c.co, 5, 4]);
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW' } as const;
      return [
        tf.conv2d(xt, ft, 2, 'same', 'NCHW'),
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt, filter: ft }, { ...attrs, inputShape: xt.shape }) as tf.Tensor,
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape: ft.shape }) as tf.Tensor,
      ];
    });
    expect(relError).toBeLessThan(1e-4);
    expect(ortRuns).toBe(3);
  });
});
