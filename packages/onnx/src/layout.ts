// How a TF.js tensor's storage relates to its ONNX meaning. ONNX is channels-first, TF.js layers are
// channels-last: a 4D activation is stored as stored = onnx.transpose(perm) with perm = NHWC.
// Keeping the relation per tensor (instead of transposing everywhere) lets Transpose nodes and
// layout changes cost nothing, and moves the one unavoidable reordering, Flatten's, into the
// weights of the dense layer that follows.

/** x.transpose(perm)[i] is axis perm[i] of x, as in numpy and ONNX. */
export type Perm = readonly number[];

export const identity = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);
export const NHWC: Perm = [0, 2, 3, 1];
export const NCHW: Perm = [0, 3, 1, 2];

export const samePerm = (a: Perm, b: Perm) => a.length === b.length && a.every((p, i) => p === b[i]);

export function invert(perm: Perm): number[] {
  const out = new Array<number>(perm.length);
  perm.forEach((p, i) => (out[p] = i));
  return out;
}

/** x.transpose(first).transpose(second) as one permutation of x. */
export const compose = (first: Perm, second: Perm): number[] => second.map((s) => first[s]);

export const permuteShape = <T>(shape: readonly T[], perm: Perm): T[] => perm.map((p) => shape[p]);

/** The layout of a tensor stored with `perm` once its ONNX axes `removed` are dropped (a reduction without keepdims). */
export function withoutAxes(perm: Perm, removed: readonly number[]): number[] {
  const kept = perm.filter((p) => !removed.includes(p));
  return kept.map((p) => kept.filter((q) => q < p).length);
}

/** The transpose that takes a tensor stored with `from` to one stored with `to`. */
export const relayout = (from: Perm, to: Perm): number[] => compose(invert(from), to);

/** A row-major tensor of `shape` transposed by `perm` (the innermost output axis in a tight loop: kernels have millions of values). */
export function transposeFloats(data: ArrayLike<number>, shape: readonly number[], perm: Perm): Float32Array {
  const rank = shape.length;
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  if (rank === 0 || count === 0) {
    if (count) out[0] = data[0];
    return out;
  }
  const strides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const outShape = permuteShape(shape, perm);
  const outStrides = perm.map((p) => strides[p]);
  const inner = outShape[rank - 1];
  const innerStride = outStrides[rank - 1];
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < count; ) {
    let src = 0;
    for (let i = 0; i < rank - 1; i++) src += index[i] * outStrides[i];
    for (let k = 0; k < inner; k++) out[o++] = data[src + k * innerStride];
    for (let i = rank - 2; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

/**
 * Rows of a dense kernel [h*w*c, units] reordered between the flatten order of a channels-last
 * tensor (h, w, c) and that of a channels-first one (c, h, w). `toChannelsFirst` picks the direction.
 */
export function reorderFlattenedRows(kernel: Float32Array, [h, w, c]: readonly number[], units: number, toChannelsFirst: boolean): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        const hwc = (y * w + x) * c + ch;
        const chw = (ch * h + y) * w + x;
        const [from, to] = toChannelsFirst ? [hwc, chw] : [chw, hwc];
        out.set(kernel.subarray(from * units, from * units + units), to * units);
      }
    }
  }
  return out;
}
