// TensorBoard's event files, written without TensorFlow: each record is TFRecord's framing (the
// length as uint64, its masked CRC-32C, the bytes, their masked CRC-32C) around an Event protocol
// buffer (tensorflow/core/util/event.proto: wall_time = 1 double, step = 2 int64, file_version = 3
// string, summary = 5), a Summary holding `repeated Value value = 1`, a Value `tag = 1` string and
// `simple_value = 2` float. A file opens with a file_version event, then a scalar event per step.
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFolders } from '@sparse-ternary/base';
import type { EpochProgress } from '../train';
import { epochMetrics } from './metrics_csv';

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum TFRecord uses. */
const CRC32C_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotated right by 15 bits plus a constant, so a CRC of CRCs is not trivial. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

const varint = (value: number | bigint): number[] => {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? low | 0x80 : low);
  } while (v);
  return out;
};
const key = (field: number, wireType: number) => varint((field << 3) | wireType);
const lengthDelimited = (field: number, bytes: Uint8Array) => [...key(field, 2), ...varint(bytes.length), ...bytes];

function scalarValue(tag: string, value: number): Uint8Array {
  const float = Buffer.alloc(4);
  float.writeFloatLE(value);
  return Uint8Array.from([...lengthDelimited(1, Buffer.from(tag, 'utf8')), ...key(2, 5), ...float]);
}

/** One Event: its wall time (seconds), step, and either the file's version or scalar values by tag. */
function event(wallTime: number, step: number, content: { fileVersion: string } | { scalars: Readonly<Record<string, number>> }): Uint8Array {
  const time = Buffer.alloc(8);
  time.writeDoubleLE(wallTime);
  const head = [...key(1, 1), ...time, ...key(2, 0), ...varint(step)];
  if ('fileVersion' in content) return Uint8Array.from([...head, ...lengthDelimited(3, Buffer.from(content.fileVersion, 'utf8'))]);
  const summary = Object.entries(content.scalars).flatMap(([tag, value]) => lengthDelimited(1, scalarValue(tag, value)));
  return Uint8Array.from([...head, ...lengthDelimited(5, Uint8Array.from(summary))]);
}

/** An event framed as a TFRecord. */
function record(data: Uint8Array): Uint8Array {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(data.length));
  const crc = (bytes: Uint8Array) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(maskedCrc32c(bytes));
    return b;
  };
  return Buffer.concat([length, crc(length), data, crc(data)]);
}

/** The name TensorBoard looks for in a log folder: events.out.tfevents.<seconds>.<host>. */
const eventFileName = (wallTime: number): string => `events.out.tfevents.${Math.floor(wallTime)}.${os.hostname()}`;

/** The record a new event file starts with. */
export const fileVersionRecord = (wallTime: number): Uint8Array => record(event(wallTime, 0, { fileVersion: 'brain.Event:2' }));

/** Scalars at one step (non-finite and missing values left out, as TensorBoard could not plot them). */
export const scalarsRecord = (wallTime: number, step: number, scalars: Readonly<Record<string, number | undefined>>): Uint8Array =>
  record(event(wallTime, step, { scalars: Object.fromEntries(Object.entries(scalars).filter((e): e is [string, number] => Number.isFinite(e[1]))) }));

/**
 * Appends a run's epochs to an event file in `dir` (one file per sitting, as TensorBoard expects:
 * it merges the files of a folder), each stage's numbers under "<stage>/<metric>" at step epoch + 1.
 * Every record is written and fsynced as its epoch ends; TensorBoard skips a torn last record by its checksum.
 */
export class TensorBoardLog {
  readonly file: string;

  constructor(dir: string, started: Date) {
    this.file = path.join(dir, eventFileName(started.getTime() / 1000));
  }

  epoch(e: EpochProgress): void {
    const scalars = Object.fromEntries(Object.entries(epochMetrics(e)).map(([name, value]) => [`${e.stage}/${name}`, value]));
    const fresh = !existsSync(this.file);
    if (fresh) makeFolders(path.dirname(this.file));
    const fd = openSync(this.file, 'a');
    try {
      const now = Date.now() / 1000;
      if (fresh) writeSync(fd, fileVersionRecord(now));
      writeSync(fd, scalarsRecord(now, e.epoch + 1, scalars));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
