// Reads TensorBoard event files back, checking every TFRecord checksum, into { wallTime, step,
// fileVersion?, scalars? } per event: the fields tensorboard_events.ts writes (others are skipped).
import { maskedCrc32c } from './tensorboard_events';

export interface TensorBoardEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars?: Record<string, number>;
}

/** A protocol buffer's fields: [field number, wire type, value (number, bigint or bytes)]. */
function fields(bytes: Buffer): [number, number, number | bigint | Buffer][] {
  const out: [number, number, number | bigint | Buffer][] = [];
  let at = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = bytes[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const [field, wire] = [key >> 3, key & 7];
    if (wire === 0) out.push([field, wire, varint()]);
    else if (wire === 1) (out.push([field, wire, bytes.readDoubleLE(at)]), (at += 8));
    else if (wire === 5) (out.push([field, wire, bytes.readFloatLE(at)]), (at += 4));
    else if (wire === 2) {
      const length = Number(varint());
      out.push([field, wire, bytes.subarray(at, at + length)]);
      at += length;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

/** The events of an event file's bytes; an Error naming the offset of a record whose checksum fails. */
export function readTensorBoardEvents(file: Buffer): TensorBoardEvent[] {
  const events: TensorBoardEvent[] = [];
  for (let at = 0; at < file.length; ) {
    const length = file.subarray(at, at + 8);
    if (file.readUInt32LE(at + 8) !== maskedCrc32c(length)) throw new Error(`bad length checksum at ${at}`);
    const size = Number(length.readBigUInt64LE());
    const data = file.subarray(at + 12, at + 12 + size);
    if (file.readUInt32LE(at + 12 + size) !== maskedCrc32c(data)) throw new Error(`bad data checksum at ${at}`);
    at += 16 + size;
    const event: TensorBoardEvent = { wallTime: 0, step: 0 };
    for (const [field, , value] of fields(data)) {
      if (field === 1) event.wallTime = value as number;
      if (field === 2) event.step = Number(value);
      if (field === 3) event.fileVersion = (value as Buffer).toString('utf8');
      if (field === 5) {
        event.scalars = {};
        for (const [, , v] of fields(value as Buffer)) {
          const tagged = fields(v as Buffer);
          event.scalars[(tagged.find(([f]) => f === 1)![2] as Buffer).toString('utf8')] = tagged.find(([f]) => f === 2)![2] as number;
        }
      }
    }
    events.push(event);
  }
  return events;
}
