// The kernels' memory laid out before it exists: the model's payload first (at byte 0, so a
// payload array's byteOffset is its place in the memory), then new tables and activation buffers.
// Index arrays are rewritten in place into the byte offsets the kernels read, once, whichever
// plans ask: the loaded model holds its weights once. The memory is made at its final size (it
// never grows, so views of it stay valid).
import { sparseKernels, type SparseKernels } from './sparse_kernels';

type Encoding = (value: number) => number;

const aligned = (bytes: number) => Math.ceil(bytes / 64) * 64;

export class Arena {
  bytes: number;
  private readonly tables: [number, Int32Array | Float32Array][] = [];
  private readonly rewrites = new Map<number, [Int32Array, Encoding]>();

  constructor(private readonly payload: ArrayBuffer) {
    this.bytes = aligned(payload.byteLength);
  }

  reserve(floats: number): number {
    const at = this.bytes;
    this.bytes += aligned(floats * 4);
    return at;
  }

  table(values: Int32Array | Float32Array): number {
    const at = this.reserve(values.length);
    this.tables.push([at, values]);
    return at;
  }

  /** A payload array the kernels read as it is (a layer's multiply and add). */
  at(array: Float32Array | Int32Array): number {
    if (array.buffer !== this.payload) throw new Error('not an array of the payload');
    return array.byteOffset;
  }

  /**
   * A payload index array, rewritten in place by `encoding` (the same for every plan that reads it).
   * An array that overlaps another one rewritten otherwise (a forged file can alias its arrays) is
   * rewritten into a copy instead.
   */
  inPlace(array: Int32Array, encoding: Encoding): number {
    const at = this.at(array);
    const end = at + array.byteLength;
    const same = this.rewrites.get(at);
    if (same && same[1] === encoding && same[0].length === array.length) return at;
    const overlaps = [...this.rewrites].some(([start, [other]]) => start < end && at < start + other.byteLength);
    if (overlaps) return this.table(array.map(encoding));
    this.rewrites.set(at, [array, encoding]);
    return at;
  }

  /** The memory, the payload copied in; `slackFloats` more at the end for the runs that read past their planes. */
  allocate(slackFloats: number): SparseKernels {
    const kernels = sparseKernels(Math.ceil((this.bytes + slackFloats * 4) / 65536));
    new Uint8Array(kernels.memory.buffer).set(new Uint8Array(this.payload));
    return kernels;
  }

  /** Rewrites the index arrays and writes the tables (after anything that reads the payload as packed). */
  finish(kernels: SparseKernels): void {
    const buffer = kernels.memory.buffer;
    for (const [at, [array, encoding]] of this.rewrites) new Int32Array(buffer, at, array.length).set(array.map(encoding));
    for (const [at, values] of this.tables) (values instanceof Int32Array ? new Int32Array(buffer, at, values.length) : new Float32Array(buffer, at, values.length)).set(values);
  }
}

/** CSR starts as byte offsets into their list. */
export const startBytes: Encoding = (start) => start * 4;

export type LayerTables = ReturnType<typeof layerTables>;

/** A layer's CSR lists (starts and indices rewritten in place) and its multiply and add, as byte offsets. */
export function layerTables(arena: Arena, rows: { plus: IndexList; minus: IndexList; mul: Float32Array; add: Float32Array }, indexBytes: Encoding) {
  const list = (l: IndexList) => ({ start: arena.inPlace(l.start, startBytes), index: arena.inPlace(l.index, indexBytes) });
  return { plus: list(rows.plus), minus: list(rows.minus), mul: arena.at(rows.mul), add: arena.at(rows.add) };
}

interface IndexList {
  start: Int32Array;
  index: Int32Array;
}
