import { DatasetError } from './errors';

const BLOCK = 512;

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/** Regular files of a (ustar or GNU) tar archive, by path; their bytes share the archive's buffer. */
export function readTar(archive: Uint8Array, file: string): Map<string, Uint8Array> {
  const members = new Map<string, Uint8Array>();
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    if (Number.isNaN(size)) throw new DatasetError('corrupt tar header (size)', file, offset + 124);
    const prefix = field(header, 345, 155);
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const type = String.fromCharCode(header[156] || 0x30);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) throw new DatasetError(`truncated tar member ${name}`, file, archive.length);
    if (type === '0') members.set(name.replace(/^\.\//, ''), archive.subarray(dataStart, dataStart + size));
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return members;
}
