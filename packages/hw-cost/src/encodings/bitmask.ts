// Sparse: one bit a weight saying non-zero, then one sign bit per non-zero (1 = negative).
import { BitReader, BitWriter } from '../bit_stream';
import { nonZeros } from '../ternary_matrix';
import type { Encoding } from './encoding';

export const bitmask: Encoding = {
  name: 'bitmask + signs',
  bits: (m) => m.values.length + nonZeros(m),
  encode(m) {
    const out = new BitWriter();
    for (const v of m.values) out.write(v !== 0 ? 1 : 0, 1);
    for (const v of m.values) if (v !== 0) out.write(v < 0 ? 1 : 0, 1);
    return out.finish();
  },
  decode(bytes, rows, cols) {
    const input = new BitReader(bytes);
    const values = new Int8Array(rows * cols);
    for (let i = 0; i < values.length; i++) values[i] = input.read(1);
    for (let i = 0; i < values.length; i++) if (values[i]) values[i] = input.read(1) ? -1 : 1;
    return { rows, cols, values };
  },
};
