// A loaded model's layers run by the WebAssembly SIMD kernels, one sample at a time. Ternary
// convolutions work on channel-major planes: each non-zero adds a contiguous run of its input
// plane, shifted by its kernel position, to its output plane (rows keep the input's row stride, so
// a whole plane is one run and the columns past the output's width are computed and ignored; a
// strided convolution reads planes split into stride phases, which makes its runs contiguous too).
// Ternary dense layers gather one input per non-zero. A ReLU (or ReLU6) after either, or after a
// residual addition, is fused. Pooling windows are the max or mean of shifted runs in SIMD.
// Everything else runs the scalar reference step on channels-last data, converted where needed.
// Activation buffers are reused once read, so a model holds about its two largest activations.
import type { PackedLayer } from '../format';
import type { Rows, Step } from '../model';
import { pool } from '../pooling';
import { medianTimes, type OperationTime } from '../profile';
import { layerTables, type Arena, type LayerTables } from './arena';
import { featureAddress } from './dense_index';
import { NO_CLAMP, reluBounds, type Bounds } from './fused_activation';
import type { SparseKernels } from './sparse_kernels';

/** A checked layer of the model, as the plan reads it. */
export interface PlannedLayer {
  layer: PackedLayer;
  inShape: number[];
  step: Step;
  rows?: Rows;
}

/**
 * Where a sample's activations are: channels-last [h, w, c], or channel-major planes: element
 * (ch, y, x) at ch * plane + y * row + x. Planes made for a strided convolution or pooling are
 * split into stride phases (sh x sw planes per channel, phasePlane apart): (ch, y, x) is at
 * ch * plane + ((y % sh) * sw + x % sw) * phasePlane + (y / sh) * row + x / sw, so that each of
 * its weights or window positions reads one contiguous run.
 */
type Planes = { kind: 'planes'; c: number; h: number; w: number; row: number; plane: number; phases?: { stride: [number, number]; phasePlane: number } };
type Layout = { kind: 'flat'; shape: number[] } | Planes;

/** Byte offset in `p` of the padded window position (ky, kx) of channel ch. */
function planeOffset(p: Planes, ch: number, ky: number, kx: number): number {
  const { stride: [sh, sw], phasePlane } = p.phases ?? { stride: [1, 1], phasePlane: p.plane };
  return 4 * (ch * p.plane + ((ky % sh) * sw + (kx % sw)) * phasePlane + Math.floor(ky / sh) * p.row + Math.floor(kx / sw));
}

type Op = (memory: Float32Array) => void;
/** An operation, bound to the memory's kernels and the reference steps over the memory once they exist. */
type OpMaker = (kernels: SparseKernels, steps: Step[]) => Op;

export interface SampleRunner {
  run(sample: Float32Array, output: Float32Array): void;
  /** Each operation's median time over `repeat` runs of `sample`. */
  profile(sample: Float32Array, output: Float32Array, repeat: number): OperationTime[];
}

/** A ternary dense layer as the one-sample plan laid it out: its indices address features of its input at byte `input`. */
export interface DenseLayer {
  tables: LayerTables;
  input: number;
}

export interface SamplePlan {
  /** Floats read past the last buffer (garbage lanes of the last runs): the memory needs them. */
  slack: number;
  /** Per layer index, the ternary dense layers. */
  dense: Map<number, DenseLayer>;
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

  /**
   * Planes with `pads` of `fill` around each, split into phases for `stride`, from either layout
   * (a channels-last one of `shape`); the planes as they are when no padding or phases are needed.
   */
  const planes = (pads: number[], shape: number[], stride: [number, number] = [1, 1], fill = 0): Planes => {
    const [sh, sw] = stride;
    if (layout.kind === 'planes' && !layout.phases && pads.every((p) => p === 0) && sh === 1 && sw === 1) return layout;
    const [top, left, bottom, right] = pads;
    const source = layout;
    const [h, w, c] = source.kind === 'flat' ? shape : [source.h, source.w, source.c];
    const [ph, pw] = [h + top + bottom, w + left + right];
    const row = Math.ceil(pw / sw);
    const phasePlane = Math.ceil(ph / sh) * row;
    const plane = sh * sw * phasePlane;
    // One more vector: the fill rounds up to whole ones (and a stride-2 copy reads one float past its source).
    const { from, to } = next(c * plane + 4);
    slack = Math.max(slack, 4);
    // Where the source's channels, rows and columns are (bytes), and where each source row and column phase goes.
    const [channelStep, rowStep, columnStep] = (source.kind === 'flat' ? [1, w * c, c] : [source.plane, source.row, 1]).map((n) => 4 * n);
    const rowTargets = arena.table(Int32Array.from({ length: h }, (_, y) => 4 * ((((y + top) % sh) * sw) * phasePlane + Math.floor((y + top) / sh) * row)));
    // Column phase q: the first source column x0 with (x0 + left) % sw === q, and how many follow it sw apart.
    const firsts = Array.from({ length: sw }, (_, q) => (((q - left) % sw) + sw) % sw);
    const starts = arena.table(Int32Array.from(firsts, (x0) => x0 * columnStep));
    const targets = arena.table(Int32Array.from(firsts, (x0, q) => 4 * (q * phasePlane + Math.floor((x0 + left) / sw))));
    const counts = arena.table(Int32Array.from(firsts, (x0) => Math.max(0, Math.ceil((w - x0) / sw))));
    op(sh * sw > 1 ? 'to phase planes' : 'to planes', (k) => () => {
      k.fill(to, Math.ceil((c * plane) / 4), fill);
      k.scatter(from, to, c, channelStep, plane * 4, h, rowStep, rowTargets, sw, starts, targets, counts, sw * columnStep);
    });
    return (layout = { kind: 'planes', c, h: ph, w: pw, row, plane, phases: sh * sw > 1 ? { stride, phasePlane } : undefined });
  };

  /** ReLU layers fused into the kernel before them. */
  const fused = new Set<number>();
  /** The ternary dense layers: their tables and where their one-sample input is (the batch plan reads the same indices). */
  const dense = new Map<number, DenseLayer>();
  /** Layer i's output is the current buffer (and the fused ReLU's after it). */
  const record = (i: number) => {
    outputs.set(i, { at, layout });
    if (fused.has(i + 1)) outputs.set(i + 1, { at, layout });
  };
  /** A residual addition of layer i's input and its other tensor (clamped: a fused ReLU), in planes when both are, else channels-last. */
  const add = (i: number, reads: number, [low, high]: Bounds) => {
    const layer = layers[i].layer as Extract<PackedLayer, { type: 'add' }>;
    const a = outputs.get(inputOf(i))!;
    const b = outputs.get(layer.other)!;
    if (a.layout.kind === 'planes' && b.layout.kind === 'planes' && ['c', 'h', 'w'].every((k) => (a.layout as Planes)[k as 'c'] === (b.layout as Planes)[k as 'c'])) {
      const [pa, pb] = [a.layout, b.layout];
      const { c, h, w } = pa;
      // 4 floats more: a row's last group of four may spill past the last row.
      const { from, to } = next(c * h * w + 4, { reads });
      consume(b.at);
      slack = Math.max(slack, 4);
      op(`layer ${i} add`, (k) => () => k.addRows(from, b.at, to, c, h, Math.ceil(w / 4), pa.row * 4, pb.row * 4, w * 4, pa.plane * 4, pb.plane * 4, h * w * 4, low, high));
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
      for (let k = 0; k < size; k++) m[sum + k] = Math.min(Math.max(m[x + k] + m[y + k], low), high);
    });
    layout = { kind: 'flat', shape };
  };
  for (let i = 0; i < layers.length; i++) {
    if (fused.has(i)) continue;
    const { layer, step, rows } = layers[i];
    ({ at, layout } = outputs.get(inputOf(i))!);
    // A ReLU right after, alone in reading this layer, runs in its kernel (a clamp of its output).
    const after = layers[i + 1]?.layer;
    const relu = after?.type === 'relu' && after.input === undefined && readers[i + 1] === 1 ? after : undefined;
    const clamp = relu ? reluBounds(relu) : NO_CLAMP;
    /** How many ops read this layer's output (the fused ReLU's readers, when it is fused). */
    const reads = (fusedRelu: boolean) => readers[(fusedRelu ? i + 1 : i) + 1];
    const ternary = rows && 'plus' in rows ? rows : undefined;
    if (layer.type === 'conv' && ternary) {
      const [, , c] = layer.inShape;
      const [oh, ow, co] = layer.outShape;
      const paddedWidth = layer.inShape[1] + layer.pads[1] + layer.pads[3];
      const source = planes(layer.pads, layer.inShape, layer.strides);
      // A packed index is ((ky * paddedWidth + kx) * c + ic): in the planes, ic's plane at (ky, kx).
      const bytesOf = (index: number) => {
        const ic = index % c;
        const position = (index - ic) / c;
        return planeOffset(source, ic, Math.floor(position / paddedWidth), position % paddedWidth);
      };
      // The output plane is one run (rows `row` apart), 16 floats per step.
      const blocks = Math.ceil(((oh - 1) * source.row + ow) / 16);
      if (relu) fused.add(i + 1);
      if (oh * ow === 1) {
        // One output position: a dense layer over the planes, one float per non-zero (its index: the float's address).
        const { from, to } = next(co, { reads: reads(!!relu) });
        const { plus, minus, mul, add } = layerTables(arena, ternary, (index) => from + bytesOf(index));
        op(`layer ${i} conv (gather)`, (k) => () => k.gather(plus.start, plus.index, minus.start, minus.index, to, co, mul, add, ...clamp));
        layout = { kind: 'planes', c: co, h: 1, w: 1, row: 1, plane: 1 };
      } else {
        const { from, to } = next(co * blocks * 16, { reads: reads(!!relu) });
        // The last runs read up to a block past the planes they use: garbage lanes, inside the memory.
        slack = Math.max(slack, blocks * 16 + source.row);
        const { plus, minus, mul, add } = layerTables(arena, ternary, bytesOf);
        op(`layer ${i} conv (runs)`, (k) => () => k.runs(plus.start, plus.index, minus.start, minus.index, from, to, co, mul, add, blocks * 64, blocks * 64, ...clamp));
        layout = { kind: 'planes', c: co, h: oh, w: ow, row: source.row, plane: blocks * 16 };
      }
    } else if (layer.type === 'dense' && ternary) {
      flat();
      const { from, to } = next(layer.rows, { reads: reads(!!relu) });
      const tables = layerTables(arena, ternary, featureAddress(from));
      dense.set(i, { tables, input: from });
      const { plus, minus, mul, add } = tables;
      if (relu) fused.add(i + 1);
      op(`layer ${i} dense (gather)`, (k) => () => k.gather(plus.start, plus.index, minus.start, minus.index, to, layer.rows, mul, add, ...clamp));
      layout = { kind: 'flat', shape: [layer.rows] };
    } else if (layer.type === 'pool' && layout.kind === 'planes' && !layout.phases && layer.pads.every((p) => p === 0) && [...layer.pool, ...layer.strides].every((n) => n === 2)) {
      // The usual 2x2 pooling at stride 2, straight to the output.
      const { c, row, plane }: Planes = layout;
      const [oh, ow] = layer.outShape;
      // 4 floats more: the last group of four may spill past the last row.
      const { from, to } = next(c * oh * ow + 4, { reads: reads(false) });
      slack = Math.max(slack, 2 * row + 8);
      op(`layer ${i} pool (2x2)`, (k) => () => k.pool2(layer.kind === 'max', from, to, c, plane * 4, row * 4, oh, ow * 4, Math.ceil(ow / 4), oh * ow * 4));
      layout = { kind: 'planes', c, h: oh, w: ow, row: ow, plane: oh * ow };
    } else if (layer.type === 'pool' && (layer.kind === 'max' || layer.pads.every((p) => p === 0))) {
      // The window's max (or mean) as the max (or scaled sum) of shifted runs, one per window
      // position, over planes padded with the lowest float (max) and split into stride phases.
      const max = layer.kind === 'max';
      const source = planes(layer.pads, layer.inShape, layer.strides, max ? -Infinity : 0);
      const [oh, ow, c] = layer.outShape;
      const [ph, pw] = layer.pool;
      const offsets = arena.table(Int32Array.from({ length: ph * pw }, (_, k) => planeOffset(source, 0, Math.floor(k / pw), k % pw)));
      const blocks = Math.ceil(((oh - 1) * source.row + ow) / 16);
      const { from, to } = next(c * blocks * 16, { reads: reads(false) });
      slack = Math.max(slack, blocks * 16 + source.row);
      op(`layer ${i} pool (windows)`, (k) => () => k.window(max, offsets, ph * pw, from, to, c, source.plane * 4, blocks * 64, blocks * 64, 1 / (ph * pw)));
      layout = { kind: 'planes', c, h: oh, w: ow, row: source.row, plane: blocks * 16 };
    } else if (layer.type === 'pool' && layout.kind === 'planes' && !layout.phases) {
      // A mean over padded windows (the padding not counted), in TypeScript over the planes.
      const { c, row, plane, h, w }: Planes = layout;
      const [oh, ow] = layer.outShape;
      const { from, to } = next(c * oh * ow, { reads: reads(false) });
      const geometry = { c, h, w, oh, ow, pool: layer.pool, strides: layer.strides, top: layer.pads[0], left: layer.pads[1], max: false };
      op(`layer ${i} pool`, () => (m) => pool(m, m, geometry, { base: from / 4, channel: plane, row, column: 1 }, { base: to / 4, channel: oh * ow, row: ow, column: 1 }));
      layout = { kind: 'planes', c, h: oh, w: ow, row: ow, plane: oh * ow };
    } else if (layer.type === 'add') {
      if (relu) fused.add(i + 1);
      add(i, reads(!!relu), clamp);
    } else if (layer.type === 'relu' && layout.kind === 'planes') {
      // A ReLU the layer before could not take: over the planes as they are.
      const { c, plane } = layout;
      const [low, high] = reluBounds(layer);
      const { from, to } = next(c * plane, { reads: reads(false) });
      const [src, dst] = [from / 4, to / 4];
      op(`layer ${i} relu`, () => (m) => {
        for (let k = 0; k < c * plane; k++) m[dst + k] = Math.min(Math.max(m[src + k], low), high);
      });
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
    record(i);
  }
  flat();
  const output = at;
  return {
    slack,
    dense,
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
