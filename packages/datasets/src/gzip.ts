import { constants, gunzipSync } from 'node:zlib';
import { DatasetError } from './errors';

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Deflate's largest expansion: no stream inflates to more than this many bytes per compressed byte. */
export const MAX_DEFLATE_RATIO = 1032;

function gunzip(bytes: Uint8Array, file: string, options: { maxOutputLength?: number; partial?: boolean } = {}): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: options.maxOutputLength, ...(options.partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {}) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DatasetError(`decompresses to more than the ${options.maxOutputLength! - 1} bytes its header declares`, file, 0);
    }
    throw new DatasetError(`not a valid gzip stream (${(e as Error).message})`, file, 0);
  }
}

/** The first bytes a gzip stream inflates to (at most ~4 MB however it was made), for reading a header. */
export function gunzipStart(bytes: Uint8Array, file: string): Buffer {
  const start = gunzip(bytes.subarray(0, 4096), file, { partial: true });
  // A partial inflate of a broken stream gives nothing rather than an error: inflate it whole (bounded) to get the error.
  return start.length >= 4 ? start : gunzip(bytes, file, { maxOutputLength: 4096 });
}

/**
 * A gzip stream that must inflate to exactly `size` bytes (a header's declared size): refused
 * before inflating when no stream of this length can hold that much, and stopped as soon as it
 * inflates to more, so a small file cannot claim gigabytes of memory.
 */
export function gunzipExactly(bytes: Uint8Array, file: string, size: number): Buffer {
  if (size > bytes.length * MAX_DEFLATE_RATIO) throw new DatasetError(`truncated: its header declares ${size} bytes, more than ${bytes.length} compressed bytes can hold`, file, bytes.length);
  return gunzip(bytes, file, { maxOutputLength: size + 1 });
}
