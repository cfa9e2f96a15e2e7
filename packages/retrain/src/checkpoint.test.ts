import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, LATEST, loadCheckpoint, PREVIOUS, writeCheckpoint, type CheckpointContent } from './checkpoint';

const content = (epoch: number, size = 10): CheckpointContent => ({
  state: { stage: 'stage 1', epoch, step: epoch * 30 },
  groups: {
    weights: [
      { name: 'dense/kernel', shape: [2, size / 2], values: Float32Array.from({ length: size }, (_, i) => i * 0.5 + epoch) },
      { name: 'dense/bias', shape: [3], values: Float32Array.of(1, -2, 3) },
    ],
    optimizer: [{ name: 'iter', shape: [], values: Float32Array.of(epoch * 30) }],
  },
});

describe('checkpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'st-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('round-trip exactly, state and tensors', () => {
    const decoded = decodeCheckpoint(encodeCheckpoint(content(3)), 'x');
    expect(decoded).toEqual(content(3));
  });

  test('the latest is used; the previous one is kept as a fallback; killed writes leave no temporaries behind', () => {
    writeFileSync(path.join(dir, `.${LATEST}.4194305.tmp`), 'half a checkpoint from a killed process');
    writeCheckpoint(dir, content(0));
    expect(readdirSync(dir)).toEqual([LATEST]);
    writeCheckpoint(dir, content(1));
    expect(loadCheckpoint(dir)!.state.epoch).toBe(1);
    expect(decodeCheckpoint(readFileSync(path.join(dir, PREVIOUS)), PREVIOUS).state.epoch).toBe(0);
  });

  test('a latest checkpoint with a bad checksum is refused with a clear error and the previous one is used', () => {
    writeCheckpoint(dir, content(0));
    writeCheckpoint(dir, content(1));
    const latest = path.join(dir, LATEST);
    const bytes = readFileSync(latest);
    bytes[bytes.length >> 1] ^= 0x40;
    writeFileSync(latest, bytes);
    const loaded = loadCheckpoint(dir)!;
    expect(loaded.state.epoch).toBe(0);
    expect(loaded.refused.map((e) => e.message)).toEqual([`${latest}: checksum mismatch: the file is truncated or corrupt`]);
  });

  test('truncated, foreign and future-format files are refused; no checkpoint at all is undefined', () => {
    expect(() => decodeCheckpoint(encodeCheckpoint(content(1)).subarray(0, 60), 'cut.ckpt')).toThrow(/cut\.ckpt: checksum mismatch/);
    expect(() => decodeCheckpoint(Buffer.from('PK\u0003\u0004 not ours at all, just some bytes here.........'), 'zip')).toThrow(/not a sparse-ternary checkpoint/);
    expect(loadCheckpoint(dir)).toBeUndefined();
    writeFileSync(path.join(dir, LATEST), 'garbage');
    expect(() => loadCheckpoint(dir)).toThrow(CheckpointError);
    expect(() => loadCheckpoint(dir)).toThrow(/no usable checkpoint/);
  });

  /** A checkpoint whose header was edited by hand, with a valid checksum computed again. */
  function handEdited(edit: (header: string) => string): Buffer {
    const bytes = encodeCheckpoint(content(1));
    const headerLength = bytes.readUInt32LE(7);
    const header = edit(bytes.subarray(11, 11 + headerLength).toString('utf8'));
    let dataStart = 11 + headerLength;
    dataStart += (4 - (dataStart % 4)) % 4;
    const data = bytes.subarray(dataStart, bytes.length - 32);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(Buffer.byteLength(header));
    const padding = Buffer.alloc((4 - ((11 + Buffer.byteLength(header)) % 4)) % 4);
    const body = Buffer.concat([bytes.subarray(0, 7), length, Buffer.from(header), padding, data]);
    return Buffer.concat([body, createHash('sha256').update(body).digest()]);
  }

  test.each([
    ['a tensor of 1e10 values', (h: string) => h.replace('"shape":[2,5],"length":10', '"shape":[10000000000],"length":10000000000'), /hand\.ckpt: the header lists 40000000\d+ bytes of tensors, the file holds 56/],
    ['a header that is not JSON', (h: string) => h.slice(0, -3), /hand\.ckpt: its header is not JSON/],
    ['a shape that disagrees with its length', (h: string) => h.replace('"shape":[2,5]', '"shape":[2,6]'), /hand\.ckpt: tensor 0 of its header is malformed/],
    ['a negative size', (h: string) => h.replace('"shape":[3],"length":3', '"shape":[-3],"length":-3'), /hand\.ckpt: tensor 1 of its header is malformed/],
    ['no tensor list', (h: string) => h.replace('"tensors"', '"tensorz"'), /hand\.ckpt: its header lacks the state or the tensor list/],
  ])('a hand-edited checkpoint with %s is a CheckpointError naming the file, before any allocation', (_, edit, message) => {
    const bytes = handEdited(edit);
    expect(() => decodeCheckpoint(bytes, 'hand.ckpt')).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(bytes, 'hand.ckpt')).toThrow(message);
  });

  test('a writer killed with SIGKILL mid-write never leaves a broken latest checkpoint', async () => {
    // A child process (running the built package: nx builds before testing) rewrites a ~40 MB
    // checkpoint in a loop and is killed at arbitrary points, mid-write or between writes.
    const child = `
      const { writeCheckpoint } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.cjs'))});
      const big = new Float32Array(10_000_000);
      for (let epoch = 0; ; epoch++) {
        big.fill(epoch);
        writeCheckpoint(process.argv[1], { state: { epoch }, groups: { weights: [{ name: 'w', shape: [big.length], values: big }] } });
        process.stdout.write('written ' + epoch + '\\n');
      }`;
    for (const delayMs of [0, 150, 300, 450]) {
      const proc = spawn(process.execPath, ['-e', child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Killed only after its first whole write, so that there is always a checkpoint to check,
      // however slowly a loaded machine writes; then at a moment during the writes that follow.
      await new Promise<void>((resolve) => proc.stdout.on('data', (d: Buffer) => d.toString().includes('written') && resolve()));
      await new Promise((r) => setTimeout(r, delayMs));
      proc.kill('SIGKILL');
      await new Promise((r) => proc.on('exit', r));
      // Killed between its two renames, the writer leaves only previous.ckpt, which is then used.
      const loaded = loadCheckpoint(dir);
      expect(loaded).toBeDefined();
      expect(loaded!.refused).toEqual([]);
      const w = loaded!.groups.weights[0].values;
      expect(w.length).toBe(10_000_000);
      expect(w[0]).toBe(w[w.length - 1]); // one whole write, not a mix
    }
  }, 120_000); // four writers of 40 MB each: seconds alone, more on a shared machine
});
