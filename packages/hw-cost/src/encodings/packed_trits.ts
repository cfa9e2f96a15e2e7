// Dense ternary, five weights a byte (3^5 = 243 <= 256): 1.6 bits a weight.
import { EncodingError } from '../bit_stream';
import type { Encoding } from './encoding';

const PER_BYTE = 5;

export const packedTrits: Encoding = {
  name: 'dense 1.6-bit (5 trits a byte)',
  bits: (m) => 8 * Math.ceil(m.values.length / PER_BYTE),
  encode(m) {
    const out = new Uint8Array(Math.ceil(m.values.length / PER_BYTE));
    for (let i = m.values.length - 1; i >= 0; i--) {
      const byte = Math.floor(i / PER_BYTE);
      out[byte] = out[byte] * 3 + (m.values[i] + 1);
    }
    return out;
  },
  decode(bytes, rows, cols) {
    const values = new Int8Array(rows * cols);
    if (bytes.length !== Math.ceil(values.length / PER_BYTE)) throw new EncodingError(`${bytes.length} bytes for ${values.length} weights`);
    for (let byte = 0; byte < bytes.length; byte++) {
      let rest = bytes[byte];
      if (rest >= 243) throw new EncodingError(`byte ${byte} (${rest}) holds no five trits`);
      for (let j = 0; j < PER_BYTE && byte * PER_BYTE + j < values.length; j++) {
        values[byte * PER_BYTE + j] = (rest % 3) - 1;
        rest = Math.floor(rest / 3);
      }
    }
    return { rows, cols, values };
  },
};
