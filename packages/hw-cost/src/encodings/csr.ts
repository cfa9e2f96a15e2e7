// Sparse: compressed sparse rows with absolute column indices. A count of non-zeros, rows + 1
// row pointers of ceil(log2(nnz + 1)) bits, and per non-zero its column (ceil(log2 cols) bits)
// and sign.
import { BitReader, BitWriter, bitsFor } from '../bit_stream';
import { nonZeros } from '../ternary_matrix';
import { COUNT_BITS, type Encoding } from './encoding';

export const csr: Encoding = {
  name: 'CSR (absolute columns)',
  bits(m) {
    const count = nonZeros(m);
    return COUNT_BITS + (m.rows + 1) * bitsFor(count + 1) + count * (bitsFor(m.cols) + 1);
  },
  encode(m) {
    const count = nonZeros(m);
    const pointerBits = bitsFor(count + 1);
    const out = new BitWriter();
    out.write(count, COUNT_BITS);
    let seen = 0;
    out.write(0, pointerBits);
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) if (m.values[r * m.cols + c] !== 0) seen++;
      out.write(seen, pointerBits);
    }
    for (let i = 0; i < m.values.length; i++) {
      if (m.values[i] === 0) continue;
      out.write(i % m.cols, bitsFor(m.cols));
      out.write(m.values[i] < 0 ? 1 : 0, 1);
    }
    return out.finish();
  },
  decode(bytes, rows, cols) {
    const input = new BitReader(bytes);
    const count = input.read(COUNT_BITS);
    const pointerBits = bitsFor(count + 1);
    const pointers = Array.from({ length: rows + 1 }, () => input.read(pointerBits));
    const values = new Int8Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let k = pointers[r]; k < pointers[r + 1]; k++) {
        const column = input.read(bitsFor(cols));
        values[r * cols + column] = input.read(1) ? -1 : 1;
      }
    }
    return { rows, cols, values };
  },
};
