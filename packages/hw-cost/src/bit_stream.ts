// Bit-level writing and reading, most significant bit first, for the weight encodings.

export class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;
  /** Bits written so far. */
  length = 0;

  /** Writes the low `bits` bits of value (bits <= 32). */
  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.current = (this.current << 1) | (Math.floor(value / 2 ** i) & 1);
      if (++this.used === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.used = 0;
      }
    }
    this.length += bits;
  }

  /** The bits, padded with zeros to whole bytes. */
  finish(): Uint8Array {
    const tail = this.used ? [this.current << (8 - this.used)] : [];
    return Uint8Array.from([...this.bytes, ...tail]);
  }
}

/** Raised when encoded bytes end early or hold an impossible value. */
export class EncodingError extends Error {}

export class BitReader {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(bits: number): number {
    if (this.position + bits > this.bytes.length * 8) throw new EncodingError(`the data ends at bit ${this.bytes.length * 8}; ${bits} more bits were expected at bit ${this.position}`);
    let value = 0;
    for (let i = 0; i < bits; i++, this.position++) {
      value = value * 2 + ((this.bytes[this.position >> 3] >> (7 - (this.position & 7))) & 1);
    }
    return value;
  }
}

/** Bits to write any integer in [0, count). */
export const bitsFor = (count: number): number => Math.max(1, Math.ceil(Math.log2(Math.max(count, 2))));
