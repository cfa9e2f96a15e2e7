import { readFileSync } from 'node:fs';
import { DatasetError } from './errors';
import { gunzipExactly, gunzipStart, isGzip } from './gzip';

/** An IDX array of unsigned bytes (type 0x08): MNIST's and Fashion-MNIST's images and labels. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/**
 * Parses an IDX file (gzipped or raw): magic 0x0000 then the type byte and the number of
 * dimensions, big-endian 32-bit dimension sizes, then the data. Only unsigned-byte data is read.
 */
export function parseIdx(raw: Uint8Array, file: string): IdxArray {
  if (raw.length === 0) throw new DatasetError('empty file', file, 0);
  if (!isGzip(raw)) return parseRawIdx(raw, file);
  // Gzipped: the header first, then exactly the size it declares (a gzip bomb stops there).
  const header = parseRawIdx(gunzipStart(raw, file), file, { headerOnly: true });
  return parseRawIdx(gunzipExactly(raw, file, header.bytes), file);
}

function parseRawIdx(bytes: Uint8Array, file: string): IdxArray & { bytes: number };
function parseRawIdx(bytes: Uint8Array, file: string, options: { headerOnly: true }): { bytes: number };
function parseRawIdx(bytes: Uint8Array, file: string, options: { headerOnly?: boolean } = {}): Partial<IdxArray> & { bytes: number } {
  if (bytes.length < 4) throw new DatasetError(`truncated IDX header: ${bytes.length} bytes`, file, bytes.length);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(`not an IDX file: magic starts 0x${hex(bytes[0])}${hex(bytes[1])}, expected 0x0000`, file, 0);
  }
  if (bytes[2] !== UBYTE) throw new DatasetError(`IDX data type 0x${hex(bytes[2])} is not unsigned byte (0x08)`, file, 2);
  const rank = bytes[3];
  if (rank === 0) throw new DatasetError('IDX file declares 0 dimensions', file, 3);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new DatasetError(`truncated IDX header: ${rank} dimensions need ${headerLength} bytes`, file, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (options.headerOnly) return { bytes: headerLength + size };
  const available = bytes.length - headerLength;
  if (available < size) {
    throw new DatasetError(`truncated: dimensions [${dims}] need ${size} data bytes, file has ${available}`, file, bytes.length);
  }
  if (available > size) {
    throw new DatasetError(`${available - size} bytes after the [${dims}] data`, file, headerLength + size);
  }
  return { dims, data: bytes.subarray(headerLength), bytes: bytes.length };
}

export function readIdxFile(file: string): IdxArray {
  return parseIdx(readFileSync(file), file);
}

const hex = (b: number): string => b.toString(16).padStart(2, '0');
