import { bitmask } from './bitmask';
import { csr } from './csr';
import { denseTwoBit } from './dense_two_bit';
import type { Encoding } from './encoding';
import { packedTrits } from './packed_trits';
import { relativeIndex } from './relative_index';
import { runLength } from './run_length';

export { bitmask, csr, denseTwoBit, packedTrits, relativeIndex, runLength, type Encoding };

/** Every encoding of a ternary matrix; the sparse ones store the non-zeros only. */
export const TERNARY_ENCODINGS: readonly Encoding[] = [denseTwoBit, packedTrits, bitmask, csr, relativeIndex, runLength];
export const SPARSE_ENCODINGS: readonly Encoding[] = [bitmask, csr, relativeIndex, runLength];
