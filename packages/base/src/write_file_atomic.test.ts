import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtomicWriteError, moveFileAtomic, temporaryFile, writeFileAtomic } from './write_file_atomic';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'st-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  test('writes every byte of text and of binary data, replacing the old file and leaving no temporary file', () => {
    const file = path.join(dir, 'out.bin');
    writeFileSync(file, 'old');
    const big = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 7) & 255);
    writeFileAtomic(file, big);
    expect(readFileSync(file).equals(Buffer.from(big))).toBe(true);
    writeFileAtomic(file, 'é\n');
    expect(readFileSync(file, 'utf8')).toBe('é\n');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  test('keeps the replaced file under `previous` when asked', () => {
    const file = path.join(dir, 'latest');
    writeFileAtomic(file, 'one', { previous: path.join(dir, 'previous') });
    writeFileAtomic(file, 'two', { previous: path.join(dir, 'previous') });
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readFileSync(path.join(dir, 'previous'), 'utf8')).toBe('one');
  });

  test('a failure is an AtomicWriteError naming the file, and the old file is untouched', () => {
    const missing = path.join(dir, 'no-such-folder', 'out.txt');
    expect(() => writeFileAtomic(missing, 'x')).toThrow(AtomicWriteError);
    expect(() => writeFileAtomic(missing, 'x')).toThrow(`cannot write ${missing}: ENOENT`);
    // A folder where the file should be: the rename fails after the temporary file was written.
    const blocked = path.join(dir, 'blocked');
    mkdirSync(blocked);
    writeFileSync(path.join(blocked, 'inside'), 'x');
    expect(() => writeFileAtomic(blocked, 'x')).toThrow(AtomicWriteError);
    expect(readdirSync(dir)).toEqual(['blocked']);
  });
});

test("the temporary files killed writers left in the folder are removed by the next write there, a live writer's are not", () => {
  const file = path.join(dir, 'model.onnx');
  // A pid above Linux's largest (2^22) is no running process; our parent is one.
  const killed = path.join(dir, '.model.onnx.4194305.tmp');
  const killedOther = path.join(dir, '.report.json.4194305.tmp');
  const live = path.join(dir, `.model.onnx.${process.ppid}.tmp`);
  const notOurs = path.join(dir, 'notes.tmp');
  for (const f of [killed, killedOther, live, notOurs]) writeFileSync(f, 'partial');
  writeFileAtomic(file, 'whole');
  expect(readdirSync(dir).sort()).toEqual([path.basename(live), 'model.onnx', 'notes.tmp'].sort());
});

describe('moveFileAtomic', () => {
  test('gives a finished temporary file its final name', () => {
    const file = path.join(dir, 'data.gz');
    writeFileSync(temporaryFile(file), 'streamed');
    moveFileAtomic(temporaryFile(file), file);
    expect(readdirSync(dir)).toEqual(['data.gz']);
    expect(readFileSync(file, 'utf8')).toBe('streamed');
  });
});
