// TensorBoard event records: CRC-32C against its published check value, and records read back.
import { crc32c, fileVersionRecord, maskedCrc32c, scalarsRecord } from './tensorboard_events';
import { readTensorBoardEvents as readEvents } from './read_tensorboard_events';

test('CRC-32C gives the check value of its catalogue entry, and the masked form rotates it and adds 0xa282ead8', () => {
  // CRC-32/ISCSI's check value: the CRC of the ASCII digits 1..9.
  const digits = Buffer.from('123456789');
  expect(crc32c(digits)).toBe(0xe3069283);
  expect(maskedCrc32c(digits)).toBe((((0xe3069283 >>> 15) | (0xe3069283 << 17)) + 0xa282ead8) >>> 0);
});

test('a file of a version record and scalar records reads back with its checksums, tags, steps and float32 values', () => {
  const file = Buffer.concat([fileVersionRecord(1_700_000_000.5), scalarsRecord(1_700_000_010, 3, { 'stage 1/loss': 0.25, 'stage 1/validation_accuracy': undefined, 'stage 1/sparsity': 0.95 })]);
  const events = readEvents(file);
  expect(events[0]).toEqual({ wallTime: 1_700_000_000.5, step: 0, fileVersion: 'brain.Event:2' });
  expect(events[1]).toEqual({ wallTime: 1_700_000_010, step: 3, scalars: { 'stage 1/loss': 0.25, 'stage 1/sparsity': Math.fround(0.95) } });
  // A step beyond 127 takes a two-byte varint.
  expect(readEvents(Buffer.from(scalarsRecord(0, 300, { a: 1 })))[0].step).toBe(300);
  // A flipped byte is caught by the record's checksum.
  const corrupt = Buffer.from(file);
  corrupt[corrupt.length - 6] ^= 1;
  expect(() => readEvents(corrupt)).toThrow(/bad data checksum/);
});
