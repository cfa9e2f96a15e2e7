import { gunzipSync } from 'node:zlib';
import { DatasetError } from './errors';

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** The bytes, gunzipped if they start with the gzip magic number. */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DatasetError(`not a valid gzip stream (${(e as Error).message})`, file, 0);
  }
}
