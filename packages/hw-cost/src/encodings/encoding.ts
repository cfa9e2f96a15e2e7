import type { TernaryMatrix } from '../ternary_matrix';

/**
 * A way to store a ternary matrix. `bits` predicts the encoded size without encoding;
 * `encode(m).length` is always ceil(bits(m) / 8), and `decode(encode(m), rows, cols)` gives m back.
 * The matrix shape comes from the model, so it is not stored.
 */
export interface Encoding {
  readonly name: string;
  bits(m: TernaryMatrix): number;
  encode(m: TernaryMatrix): Uint8Array;
  decode(bytes: Uint8Array, rows: number, cols: number): TernaryMatrix;
}

/** The count header some encodings carry (so that padding bits are never read as data). */
export const COUNT_BITS = 32;
