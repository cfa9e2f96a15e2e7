// The kernels that move activations between layouts, so that no per-element loop runs in
// JavaScript: into (phase) planes with their padding, and residual additions of planes.
import { addTo, forRange, op, until, type ValueType, type WasmFunction } from './wasm_binary';

/** Parameters of `fill`: `vectors` groups of four floats set to `value`. */
const FILL = { at: 0, vectors: 1, value: 2 } as const;

/** fill(at, vectors, value): a buffer's padding value everywhere, before its interior is copied in. */
export function fillKernel(): WasmFunction {
  const L = { v: 3, splat: 4 };
  const body = [
    ...op.get(FILL.value), ...op.f32x4Splat, ...op.set(L.splat),
    ...forRange(L.v, op.get(FILL.vectors), 1, [...op.get(FILL.at), ...op.get(L.v), ...op.i32(16), ...op.i32Mul, ...op.i32Add, ...op.get(L.splat), ...op.v128Store(0)]),
  ];
  return { name: 'fill', params: ['i32', 'i32', 'f32'], locals: ['i32', 'v128'], body };
}

/**
 * Parameters of `scatter`, all in bytes: per channel and source row y, the row's phases q (one per
 * column stride phase) each copy counts[q] floats, from starts[q] on (srcStep apart) to
 * rowTargets[y] + targets[q] on (consecutive).
 */
const SCATTER = { src: 0, dst: 1, channels: 2, srcChannel: 3, dstChannel: 4, rows: 5, srcRow: 6, rowTargets: 7, phases: 8, starts: 9, targets: 10, counts: 11, srcStep: 12 } as const;

/**
 * scatter(...): a channel-strided source (channels-last or planes) into padded, phase-split planes:
 * four floats at a time from planes (stride 1 or 2), else one at a time. A stride-2 group reads one
 * float past its last (inside the memory: the plan's slack).
 */
export function scatterKernel(): WasmFunction {
  const L = { ch: 13, y: 14, q: 15, n: 16, s: 17, d: 18, row: 19, target: 20 };
  /** While four or more are left: d gets `vector` (read at s), s moves by `srcBytes`. */
  const fours = (vector: number[], srcBytes: number) =>
    until([...op.get(L.n), ...op.i32(4), ...op.i32LtU], [...op.get(L.d), ...vector, ...op.v128Store()], addTo(L.s, srcBytes), addTo(L.d, 16), addTo(L.n, -4));
  const table = (param: number, index: number) => [...op.get(param), ...op.get(index), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.i32Load()];
  const body = forRange(
    L.ch, op.get(SCATTER.channels), 1,
    forRange(
      L.y, op.get(SCATTER.rows), 1,
      [...op.get(SCATTER.src), ...op.get(L.ch), ...op.get(SCATTER.srcChannel), ...op.i32Mul, ...op.i32Add, ...op.get(L.y), ...op.get(SCATTER.srcRow), ...op.i32Mul, ...op.i32Add, ...op.set(L.row)],
      [...op.get(SCATTER.dst), ...op.get(L.ch), ...op.get(SCATTER.dstChannel), ...op.i32Mul, ...op.i32Add, ...table(SCATTER.rowTargets, L.y), ...op.i32Add, ...op.set(L.target)],
      forRange(
        L.q, op.get(SCATTER.phases), 1,
        [...op.get(L.row), ...table(SCATTER.starts, L.q), ...op.i32Add, ...op.set(L.s)],
        [...op.get(L.target), ...table(SCATTER.targets, L.q), ...op.i32Add, ...op.set(L.d)],
        [...table(SCATTER.counts, L.q), ...op.set(L.n)],
        [
          // Four at a time from a contiguous row (planes) or every other float of one (a stride-2 phase, by a shuffle)
          ...op.get(SCATTER.srcStep), ...op.i32(4), ...op.i32Eq, ...op.if,
          ...fours([...op.get(L.s), ...op.v128Load()], 16),
          ...op.else,
          ...op.get(SCATTER.srcStep), ...op.i32(8), ...op.i32Eq, ...op.if,
          ...fours([...op.get(L.s), ...op.v128Load(), ...op.get(L.s), ...op.v128Load(16), ...op.evenLanes], 32),
          ...op.end,
          ...op.end,
        ],
        // the rest one by one
        until(
          [...op.get(L.n), ...op.i32(0), ...op.i32Eq],
          [...op.get(L.d), ...op.get(L.s), ...op.f32Load(), ...op.f32Store()],
          addTo(L.s, op.get(SCATTER.srcStep)),
          addTo(L.d, 4),
          addTo(L.n, -1),
        ),
      ),
    ),
  );
  return { name: 'scatter', params: new Array<ValueType>(13).fill('i32'), locals: new Array<ValueType>(8).fill('i32'), body };
}

/** Parameters of `addRows`: two sets of planes, their rows added four floats at a time. */
const ADD = { a: 0, b: 1, out: 2, channels: 3, rows: 4, vectors: 5, aRow: 6, bRow: 7, outRow: 8, aPlane: 9, bPlane: 10, outPlane: 11, low: 12, high: 13 } as const;

/**
 * addRows(a, b, out, channels, rows, vectors, aRow, bRow, outRow, aPlane, bPlane, outPlane, low, high):
 * per channel and row, `vectors` groups of four of a + b, clamped to [low, high] (a fused ReLU).
 * A row's last group may spill into the next output row, which overwrites it (16 bytes more after the last).
 */
export function addRowsKernel(): WasmFunction {
  const L = { ch: 14, y: 15, v: 16, low: 17, high: 18 };
  const at = (base: number, row: number, plane: number) => [
    ...op.get(base), ...op.get(L.ch), ...op.get(plane), ...op.i32Mul, ...op.i32Add, ...op.get(L.y), ...op.get(row), ...op.i32Mul, ...op.i32Add, ...op.get(L.v), ...op.i32(16), ...op.i32Mul, ...op.i32Add,
  ];
  const body = [
    ...op.get(ADD.low), ...op.f32x4Splat, ...op.set(L.low),
    ...op.get(ADD.high), ...op.f32x4Splat, ...op.set(L.high),
    ...forRange(
      L.ch, op.get(ADD.channels), 1,
      forRange(
        L.y, op.get(ADD.rows), 1,
        forRange(
          L.v, op.get(ADD.vectors), 1,
          at(ADD.out, ADD.outRow, ADD.outPlane),
          [...at(ADD.a, ADD.aRow, ADD.aPlane), ...op.v128Load(), ...at(ADD.b, ADD.bRow, ADD.bPlane), ...op.v128Load(), ...op.f32x4Add],
          [...op.get(L.low), ...op.f32x4PMax, ...op.get(L.high), ...op.f32x4PMin, ...op.v128Store()],
        ),
      ),
    ),
  ];
  return { name: 'addRows', params: [...new Array<ValueType>(12).fill('i32'), 'f32', 'f32'], locals: ['i32', 'i32', 'i32', 'v128', 'v128'], body };
}
