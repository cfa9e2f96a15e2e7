// Decoded images kept on disk between runs: one file of raw bytes per (list of image files with
// their sizes and times, output size, channels), named by the SHA-256 of that key.
import { makeFolders, writeFileAtomic } from '@sparse-ternary/base';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface DecodedImagesCache {
  /** The cached bytes, or undefined when absent or of the wrong length (then decoded again). */
  read(): Uint8Array | undefined;
  write(images: Uint8Array): void;
  file: string;
}

const FORMAT = 1;

export function decodedImagesCache(dir: string, files: string[], options: { size: [number, number]; channels?: number }): DecodedImagesCache {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: FORMAT, size: options.size, channels: options.channels ?? 3 }));
  for (const file of files) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`\n${path.resolve(file)}\t${size}\t${mtimeMs}`);
  }
  const file = path.join(dir, `${hash.digest('hex')}.bin`);
  const length = files.length * options.size[0] * options.size[1] * (options.channels ?? 3);
  return {
    file,
    read: () => {
      if (!existsSync(file) || statSync(file).size !== length) return undefined;
      const bytes = readFileSync(file);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    write: (images) => {
      makeFolders(dir);
      writeFileAtomic(file, images);
    },
  };
}
