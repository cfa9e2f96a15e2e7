// Sparse: relative indexing as in Deep Compression (Han et al., 2016). Each entry is a b-bit gap
// (the zeros since the previous non-zero) and a sign bit; the largest gap value, 2^b - 1, is a
// filler entry that skips that many zeros without a weight, for gaps that do not fit. The best b
// is searched per matrix and stored in a 5-bit header, with a count of entries.
import { BitReader, BitWriter, EncodingError } from '../bit_stream';
import { forEachNonZero, type TernaryMatrix } from '../ternary_matrix';
import { COUNT_BITS, type Encoding } from './encoding';

const B_BITS = 5;
const MAX_B = 16;

/** Entries for every run with gaps of b bits; `runs` counts the runs of each length. */
const entriesWith = (runs: Map<number, number>, b: number) => {
  const filler = 2 ** b - 1;
  let n = 0;
  for (const [run, count] of runs) n += count * (1 + Math.floor(run / filler));
  return n;
};

/** The gap width that makes the matrix smallest, and the entries it takes. */
export function bestGapBits(m: TernaryMatrix): { b: number; entries: number } {
  // Run lengths repeat (a dense kernel's are all 0): count each length once for the 16 widths.
  const runs = new Map<number, number>();
  forEachNonZero(m, (run) => runs.set(run, (runs.get(run) ?? 0) + 1));
  let best = { b: 1, entries: entriesWith(runs, 1) };
  for (let b = 2; b <= MAX_B; b++) {
    const entries = entriesWith(runs, b);
    if (entries * (b + 1) < best.entries * (best.b + 1)) best = { b, entries };
  }
  return best;
}

export const relativeIndex: Encoding = {
  name: 'relative index (Deep Compression)',
  bits(m) {
    const { b, entries } = bestGapBits(m);
    return B_BITS + COUNT_BITS + entries * (b + 1);
  },
  encode(m) {
    const { b, entries } = bestGapBits(m);
    const filler = 2 ** b - 1;
    const out = new BitWriter();
    out.write(b, B_BITS);
    out.write(entries, COUNT_BITS);
    forEachNonZero(m, (run, v) => {
      for (; run >= filler; run -= filler) {
        out.write(filler, b);
        out.write(0, 1);
      }
      out.write(run, b);
      out.write(v < 0 ? 1 : 0, 1);
    });
    return out.finish();
  },
  decode(bytes, rows, cols) {
    const input = new BitReader(bytes);
    const b = input.read(B_BITS);
    if (b < 1 || b > MAX_B) throw new EncodingError(`gap width ${b} is outside 1 to ${MAX_B}`);
    const entries = input.read(COUNT_BITS);
    const filler = 2 ** b - 1;
    const values = new Int8Array(rows * cols);
    let position = 0;
    for (let e = 0; e < entries; e++) {
      const gap = input.read(b);
      const negative = input.read(1);
      position += gap;
      if (gap === filler) continue;
      if (position >= values.length) throw new EncodingError(`entry ${e} lands at weight ${position} of ${values.length}`);
      values[position++] = negative ? -1 : 1;
    }
    return { rows, cols, values };
  },
};
