// Sparse: run-length coding of the zeros. Each non-zero stores the run of zeros before it as an
// Elias gamma code of (run + 1), short for short runs, and a sign bit; a count header comes first.
import { BitReader, BitWriter, EncodingError } from '../bit_stream';
import { forEachNonZero, nonZeros, zeroRuns } from '../ternary_matrix';
import { COUNT_BITS, type Encoding } from './encoding';

const gammaBits = (x: number) => 2 * Math.floor(Math.log2(x)) + 1;

export const runLength: Encoding = {
  name: 'run length (Elias gamma)',
  bits: (m) => COUNT_BITS + zeroRuns(m).reduce((bits, run) => bits + gammaBits(run + 1) + 1, 0),
  encode(m) {
    const out = new BitWriter();
    out.write(nonZeros(m), COUNT_BITS);
    forEachNonZero(m, (run, v) => {
      const x = run + 1;
      const width = Math.floor(Math.log2(x));
      out.write(0, width);
      out.write(x, width + 1);
      out.write(v < 0 ? 1 : 0, 1);
    });
    return out.finish();
  },
  decode(bytes, rows, cols) {
    const input = new BitReader(bytes);
    const count = input.read(COUNT_BITS);
    const values = new Int8Array(rows * cols);
    let position = 0;
    for (let k = 0; k < count; k++) {
      let width = 0;
      while (input.read(1) === 0) if (++width > 32) throw new EncodingError(`run code ${k} is longer than 32 bits`);
      const x = 2 ** width + (width ? input.read(width) : 0);
      position += x - 1;
      if (position >= values.length) throw new EncodingError(`non-zero ${k} lands at weight ${position} of ${values.length}`);
      values[position++] = input.read(1) ? -1 : 1;
    }
    return { rows, cols, values };
  },
};
