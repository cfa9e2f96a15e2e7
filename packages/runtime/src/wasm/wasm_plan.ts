// A loaded model's layers run by the WebAssembly SIMD kernels, one sample at a time. Ternary
// convolutions with stride 1 work on channel-major planes: each non-zero adds a contiguous run of
// its input plane, shifted by its kernel position, to its output plane (rows keep the input's row
// stride, so a whole plane is one run and the columns past the output's width are computed and
// ignored). Ternary dense layers gather one input per non-zero. A ReLU after either is fused.
// Pooling without padding takes its windows' max or mean in SIMD, then every stride-th of them.
// Everything else runs the scalar reference step on channels-last data, converted where needed.
// Activation buffers are reused once read, so a model holds about its two largest activations.
import type { PackedLayer } from '../format';
import type { Rows, Step } from '../model';
import { pool } from '../pooling';
import { medianTimes, type OperationTime } from '../profile';
import { layerTables, type Arena } from './arena';
import { DENSE_INDEX_SHIFT, denseIndexBytes } from './dense_index';
import type { SparseKernels } from './sparse_kernels';

/** A checked layer of the model, as the plan reads it. */
export interface PlannedLayer {
  layer: PackedLayer;
  inShape: number[];
  step: Step;
  rows?: Rows;
}

/** Where a sample's activations are: channels-last [h, w, c] or channel-major planes (element (ch, y, x) at ch * plane + y * row + x). */
type Planes = { kind: 'planes'; c: number; h: number; w: number; row: number; plane: number };
type Layout = { kind: 'flat'; shape: number[] } | Planes;

type Op = (memory: Float32Array) => void;
/** An operation, bound to the memory's kernels and the reference steps over the memory once they exist. */
type OpMaker = (kernels: SparseKernels, steps: Step[]) => Op;

export interface SampleRunner {
  run(sample: Float32Array, output: Float32Array): void;
  /** Each operation's median time over `repeat` runs of `sample`. */
  profile(sample: Float32Array, output: Float32Array, repeat: number): OperationTime[];
}

export interface SamplePlan {
  /** Floats read past the last buffer (garbage lanes of the last runs): the memory needs them. */
  slack: number;
  /** The runner, once the memory exists: one sample in, its outputs out. */
  bind(kernels: SparseKernels, steps: Step[]): SampleRunner;
}

/** The operations that run one sample through `layers`, laid out in `arena`. */
export function samplePlan(layers: PlannedLayer[], inputShape: number[], arena: Arena): SamplePlan {
  const inputOf = (i: number) => layers[i].layer.input ?? i - 1;
  /** How many layers read each layer's output (index + 1: the model's input first). */
  const readers = new Array<number>(layers.length + 1).fill(0);
  layers.forEach(({ layer }, i) => {
    readers[inputOf(i) + 1]++;
    if (layer.type === 'add') readers[layer.other + 1]++;
  });
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const ops: { name: string; make: OpMaker }[] = [];
  const op = (name: string, make: OpMaker) => ops.push({ name, make });
  // Activation buffers are reused once every op that reads them has run.
  const free: { at: number; floats: number }[] = [];
  const sizes = new Map<number, number>();
  const pending = new Map<number, number>();
  const buffer = (floats: number): number => {
    const fit = free.findIndex((b) => b.floats >= floats);
    if (fit >= 0) return free.splice(fit, 1)[0].at;
    const fresh = arena.reserve(floats);
    sizes.set(fresh, floats);
    return fresh;
  };
  const release = (buffer: number) => free.push({ at: buffer, floats: sizes.get(buffer)! });
  /** One read of a buffer done: free once its last reader has run. */
  const consume = (buffer: number) => {
    const left = (pending.get(buffer) ?? 1) - 1;
    pending.set(buffer, left);
    if (left <= 0) release(buffer);
  };
  /**
   * The next op's input (the current buffer) and a buffer for its output, which `reads` ops will
   * read (a layer's output: its readers; a conversion's: the op after it).
   */
  const next = (floats: number, { reads = 1 } = {}): { from: number; to: number } => {
    const from = at;
    const to = (at = buffer(floats));
    sizes.set(to, Math.max(sizes.get(to) ?? 0, floats));
    pending.set(to, reads);
    consume(from);
    return { from, to };
  };
  const input = buffer(inputSize);
  pending.set(input, readers[0]);
  let at = input;
  let layout: Layout = { kind: 'flat', shape: inputShape };
  let slack = 0;
  /** Each layer's output: where it is and how it is laid out (-1: the model's input). */
  const outputs = new Map<number, { at: number; layout: Layout }>([[-1, { at: input, layout }]]);

  /** Channels-last from planes (a copy), for the layers that need it. */
  const flat = (): number[] => {
    if (layout.kind === 'flat') return layout.shape;
    const { c, h, w, row, plane } = layout;
    const { from, to } = next(c * h * w);
    const [source, target] = [from / 4, to / 4];
    op('to channels-last', () => (m) => {
      for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[target + (y * w + x) * c + ch] = m[source + ch * plane + y * row + x];
    });
    layout = { kind: 'flat', shape: [h, w, c] };
    return layout.shape;
  };

  /** Planes with `pads` of zeros around each, from either layout (a channels-last one of `shape`); none needed when already planes without padding. */
  const planes = (pads: number[], shape: number[]): Planes => {
    if (layout.kind === 'planes' && pads.every((p) => p === 0)) return layout;
    const [top, left, bottom, right] = pads;
    const source = layout;
    const [h, w, c] = source.kind === 'flat' ? shape : [source.h, source.w, source.c];
    const row = w + left + right;
    const plane = (h + top + bottom) * row;
    const { from, to } = next(c * plane);
    const [src, dst] = [from / 4, to / 4];
    /** The padding around channel ch's plane (the buffer may have held other data). */
    const zeroBorders = (m: Float32Array, ch: number) => {
      const base = dst + ch * plane;
      m.fill(0, base, base + top * row);
      m.fill(0, base + (top + h) * row, base + plane);
      if (left || right) for (let y = top; y < top + h; y++) m.fill(0, base + y * row, base + y * row + left), m.fill(0, base + y * row + left + w, base + (y + 1) * row);
    };
    op('to planes', () =>
      source.kind === 'flat'
        ? (m) => {
            for (let ch = 0; ch < c; ch++) {
              zeroBorders(m, ch);
              for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[dst + ch * plane + (y + top) * row + left + x] = m[src + (y * w + x) * c + ch];
            }
          }
        : (m) => {
            for (let ch = 0; ch < c; ch++) {
              zeroBorders(m, ch);
              for (let y = 0; y < h; y++) m.copyWithin(dst + ch * plane + (y + top) * row + left, src + ch * source.plane + y * source.row, src + ch * source.plane + y * source.row + w);
            }
          },
    );
    return (layout = { kind: 'planes', c, h: h + top + bottom, w: w + left + right, row, plane });
  };

  /** ReLU layers fused into the kernel before them. */
  const fused = new Set<number>();
  /** Layer i's output is the current buffer (and the fused ReLU's after it). */
  const record = (i: number, fusedRelu: boolean) => {
    outputs.set(i, { at, layout });
    if (fusedRelu || fused.has(i + 1)) outputs.set(i + 1, { at, layout });
  };
  /** A residual addition of layer i's input and its other tensor, in planes when both are, else channels-last. */
  const add = (i: number, reads: number) => {
    const layer = layers[i].layer as Extract<PackedLayer, { type: 'add' }>;
    const a = outputs.get(inputOf(i))!;
    const b = outputs.get(layer.other)!;
    if (a.layout.kind === 'planes' && b.layout.kind === 'planes' && ['c', 'h', 'w'].every((k) => (a.layout as Planes)[k as 'c'] === (b.layout as Planes)[k as 'c'])) {
      const [pa, pb] = [a.layout, b.layout];
      const { c, h, w } = pa;
      const { from, to } = next(c * h * w, { reads });
      consume(b.at);
      const [sa, sb, sum] = [from / 4, b.at / 4, to / 4];
      op(`layer ${i} add`, () => (m) => {
        for (let ch = 0, dst = sum; ch < c; ch++) {
          for (let y = 0; y < h; y++) {
            const ra = sa + ch * pa.plane + y * pa.row;
            const rb = sb + ch * pb.plane + y * pb.row;
            for (let x = 0; x < w; x++) m[dst++] = m[ra + x] + m[rb + x];
          }
        }
      });
      layout = { kind: 'planes', c, h, w, row: w, plane: h * w };
      return;
    }
    // Each side channels-last, then added.
    ({ at, layout } = b);
    flat();
    const other = at;
    ({ at, layout } = a);
    const shape = flat();
    const size = shape.reduce((x, y) => x * y, 1);
    const { from, to } = next(size, { reads });
    consume(other);
    const [x, y, sum] = [from / 4, other / 4, to / 4];
    op(`layer ${i} add`, () => (m) => {
      for (let k = 0; k < size; k++) m[sum + k] = m[x + k] + m[y + k];
    });
    layout = { kind: 'flat', shape };
  };
  for (let i = 0; i < layers.length; i++) {
    if (fused.has(i)) continue;
    const { layer, step, rows } = layers[i];
    ({ at, layout } = outputs.get(inputOf(i))!);
    // A ReLU right after, alone in reading this layer, runs in its kernel.
    const relu = layers[i + 1]?.layer.type === 'relu' && layers[i + 1].layer.input === undefined && readers[i + 1] === 1;
    /** How many ops read this layer's output (the fused ReLU's readers, when it is fused). */
    const reads = (fusedRelu: boolean) => readers[(fusedRelu ? i + 1 : i) + 1];
    const ternary = rows && 'plus' in rows ? rows : undefined;
    if (layer.type === 'conv' && ternary && layer.strides[0] === 1 && layer.strides[1] === 1) {
      const [, , c] = layer.inShape;
      const [oh, ow, co] = layer.outShape;
      const paddedWidth = layer.inShape[1] + layer.pads[1] + layer.pads[3];
      const source = planes(layer.pads, layer.inShape);
      const { row, plane } = source;
      // A packed index is ((ky * paddedWidth + kx) * c + ic); in planes it reads ic * plane + ky * row + kx.
      const bytesOf = (index: number) => {
        const ic = index % c;
        const position = (index - ic) / c;
        return 4 * (ic * plane + Math.floor(position / paddedWidth) * row + (position % paddedWidth));
      };
      // A plane is one run, 16 floats per step.
      const blocks = Math.ceil(((oh - 1) * row + ow) / 16);
      const { plus, minus, mul, add } = layerTables(arena, ternary, bytesOf);
      if (relu) fused.add(i + 1);
      if (oh * ow === 1) {
        // One output position: a dense layer over the planes, one float per non-zero.
        const { from, to } = next(co, { reads: reads(relu) });
        op(`layer ${i} conv (gather)`, (k) => () => k.gather(relu, plus.start, plus.index, minus.start, minus.index, from, to, co, mul, add, 0));
        layout = { kind: 'planes', c: co, h: 1, w: 1, row: 1, plane: 1 };
        record(i, relu);
        continue;
      }
      const { from, to } = next(co * blocks * 16, { reads: reads(relu) });
      // The last runs read up to a block past the planes they use: garbage lanes, inside the memory.
      slack = Math.max(slack, blocks * 16 + row);
      op(`layer ${i} conv (runs)`, (k) => () => k.runs(relu, plus.start, plus.index, minus.start, minus.index, from, to, co, mul, add, blocks * 64, blocks * 64));
      layout = { kind: 'planes', c: co, h: oh, w: ow, row, plane: blocks * 16 };
    } else if (layer.type === 'dense' && ternary) {
      flat();
      const { plus, minus, mul, add } = layerTables(arena, ternary, denseIndexBytes);
      const { from, to } = next(layer.rows, { reads: reads(relu) });
      if (relu) fused.add(i + 1);
      op(`layer ${i} dense (gather)`, (k) => () => k.gather(relu, plus.start, plus.index, minus.start, minus.index, from, to, layer.rows, mul, add, DENSE_INDEX_SHIFT));
      layout = { kind: 'flat', shape: [layer.rows] };
    } else if (layer.type === 'pool' && layout.kind === 'planes' && layer.pads.every((p) => p === 0) && [...layer.pool, ...layer.strides].every((n) => n === 2)) {
      // The usual 2x2 pooling at stride 2, straight to the output.
      const { c, row, plane }: Planes = layout;
      const [oh, ow] = layer.outShape;
      // 4 floats more: the last group of four may spill past the last row.
      const { from, to } = next(c * oh * ow + 4, { reads: reads(false) });
      slack = Math.max(slack, 2 * row + 8);
      op(`layer ${i} pool (2x2)`, (k) => () => k.pool2(layer.kind === 'max', from, to, c, plane * 4, row * 4, oh, ow * 4, Math.ceil(ow / 4), oh * ow * 4));
      layout = { kind: 'planes', c, h: oh, w: ow, row: ow, plane: oh * ow };
    } else if (layer.type === 'pool' && layout.kind === 'planes' && layer.pads.every((p) => p === 0)) {
      // The window's max (or mean) at every position of the planes, then every stride-th of them.
      const { c, row, plane }: Planes = layout;
      const [oh, ow] = layer.outShape;
      const [ph, pw] = layer.pool;
      const [sh, sw] = layer.strides;
      const offsets = arena.table(Int32Array.from({ length: ph * pw }, (_, k) => 4 * (Math.floor(k / pw) * row + (k % pw))));
      // Windows at every column of the rows the stride keeps (rowBlocks of 16 per row and channel).
      const rowFloats = Math.ceil(((ow - 1) * sw + 1) / 16) * 16;
      const windowPlane = oh * rowFloats;
      const windows = buffer(c * windowPlane);
      // 4 floats more: halve's last group of four may spill past the last row.
      const { from, to } = next(c * oh * ow + 4, { reads: reads(false) });
      release(windows);
      slack = Math.max(slack, rowFloats + ph * row);
      const max = layer.kind === 'max';
      op(`layer ${i} pool (windows)`, (k) => () => {
        for (let y = 0; y < oh; y++) k.window(max, offsets, ph * pw, from + y * sh * row * 4, windows + y * rowFloats * 4, c, plane * 4, windowPlane * 4, rowFloats * 4, 1 / (ph * pw));
      });
      op(`layer ${i} pool (stride)`, (k) => (m) => {
        // Every stride-th column: four at a time in SIMD for stride 2 (the usual 2x2 pooling), else one by one.
        if (sw === 2) return k.halve(windows, to, c, windowPlane * 4, oh, rowFloats * 4, ow * 4, Math.ceil(ow / 4));
        for (let ch = 0, dst = to / 4; ch < c; ch++) {
          const src = windows / 4 + ch * windowPlane;
          for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) m[dst++] = m[src + y * rowFloats + x * sw];
        }
      });
      layout = { kind: 'planes', c, h: oh, w: ow, row: ow, plane: oh * ow };
    } else if (layer.type === 'pool' && layout.kind === 'planes') {
      // Padded windows, in TypeScript over the planes.
      const { c, row, plane, h, w }: Planes = layout;
      const [oh, ow] = layer.outShape;
      const { from, to } = next(c * oh * ow, { reads: reads(false) });
      const geometry = { c, h, w, oh, ow, pool: layer.pool, strides: layer.strides, top: layer.pads[0], left: layer.pads[1], max: layer.kind === 'max' };
      op(`layer ${i} pool`, () => (m) => pool(m, m, geometry, { base: from / 4, channel: plane, row, column: 1 }, { base: to / 4, channel: oh * ow, row: ow, column: 1 }));
      layout = { kind: 'planes', c, h: oh, w: ow, row: ow, plane: oh * ow };
    } else if (layer.type === 'add') {
      add(i, reads(false));
    } else {
      // The reference step (over the memory), on channels-last data.
      flat();
      const { from, to } = next(step.outputSize, { reads: reads(false) });
      const size = layers[i].inShape.reduce((a, b) => a * b, 1);
      op(`layer ${i} ${layer.type} (reference)`, (_, steps) => {
        const reference = steps[i];
        reference.prepare?.();
        return (m) => reference.run(m.subarray(from / 4, from / 4 + size), m.subarray(to / 4, to / 4 + reference.outputSize));
      });
      layout = { kind: 'flat', shape: outputShape(layer, layers[i].inShape) };
    }
    record(i, false);
  }
  flat();
  const output = at;
  return {
    slack,
    bind(kernels, steps) {
      const memory = new Float32Array(kernels.memory.buffer);
      const run = ops.map(({ make }) => make(kernels, steps));
      const enter = (sample: Float32Array) => memory.set(sample, input / 4);
      const leave = (out: Float32Array) => out.set(memory.subarray(output / 4, output / 4 + out.length));
      return {
        run(sample, out) {
          enter(sample);
          for (const op of run) op(memory);
          leave(out);
        },
        profile: (sample, out, repeat) =>
          medianTimes(
            ops.map(({ name }) => name),
            repeat,
            (timed) => {
              enter(sample);
              run.forEach((op, i) => timed(i, () => op(memory)));
              leave(out);
            },
          ),
      };
    },
  };
}

/** A layer's output shape (channels-last), from its declaration. */
function outputShape(layer: PackedLayer, inShape: number[]): number[] {
  switch (layer.type) {
    case 'dense':
      return [layer.rows];
    case 'conv':
    case 'pool':
      return layer.outShape;
    default:
      return inShape;
  }
}
