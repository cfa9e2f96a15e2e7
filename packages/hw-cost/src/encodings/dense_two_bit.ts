// Dense ternary, 2 bits a weight: 00 = 0, 01 = +1, 10 = -1.
import { BitReader, BitWriter, EncodingError } from '../bit_stream';
import type { Encoding } from './encoding';

const CODE = { [-1]: 2, 0: 0, 1: 1 } as Record<number, number>;
const VALUE = [0, 1, -1];

export const denseTwoBit: Encoding = {
  name: 'dense 2-bit',
  bits: (m) => 2 * m.values.length,
  encode(m) {
    const out = new BitWriter();
    for (const v of m.values) out.write(CODE[v], 2);
    return out.finish();
  },
  decode(bytes, rows, cols) {
    const input = new BitReader(bytes);
    const values = new Int8Array(rows * cols);
    for (let i = 0; i < values.length; i++) {
      const code = input.read(2);
      if (code === 3) throw new EncodingError(`code 11 at weight ${i} is not a ternary value`);
      values[i] = VALUE[code];
    }
    return { rows, cols, values };
  },
};
