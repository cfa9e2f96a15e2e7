// Crash-safe checkpoints: one binary file holding named tensor groups and a JSON header, ending in
// a SHA-256 of everything before it. Written to a temporary file, fsynced and renamed over the
// latest checkpoint, whose previous version is kept as a fallback.
import { createHash } from 'node:crypto';
import { makeFolders, writeFileAtomic } from '@sparse-ternary/base';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

const MAGIC = Buffer.from('STCKPT\n');
export const CHECKPOINT_FORMAT_VERSION = 1;
const HASH_BYTES = 32;

/** A checkpoint that cannot be used: names the file and why. */
export class CheckpointError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'CheckpointError';
  }
}

/** A float32 tensor's values and shape, by name. */
export interface StoredTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface CheckpointContent {
  /** Free-form JSON state: stage, epoch, step, seed, options. */
  state: Record<string, unknown>;
  /** Tensor groups, for example weights, optimizer, masks. */
  groups: Record<string, StoredTensor[]>;
}

interface Header {
  version: number;
  state: Record<string, unknown>;
  tensors: { group: string; name: string; shape: number[]; length: number }[];
}

export function encodeCheckpoint(content: CheckpointContent): Buffer {
  const entries = Object.entries(content.groups).flatMap(([group, tensors]) => tensors.map((t) => ({ group, t })));
  const header: Header = {
    version: CHECKPOINT_FORMAT_VERSION,
    state: content.state,
    tensors: entries.map(({ group, t }) => ({ group, name: t.name, shape: t.shape, length: t.values.length })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(headerBytes.length);
  // Tensor data starts on a 4-byte boundary so it can be read as Float32Array views.
  const padding = Buffer.alloc((4 - ((MAGIC.length + 4 + headerBytes.length) % 4)) % 4);
  const data = entries.map(({ t }) => Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength));
  const body = Buffer.concat([MAGIC, headerLength, headerBytes, padding, ...data]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

export function decodeCheckpoint(bytes: Buffer, file: string): CheckpointContent {
  if (bytes.length < MAGIC.length + 4 + HASH_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CheckpointError('not a sparse-ternary checkpoint', file);
  }
  const body = bytes.subarray(0, bytes.length - HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - HASH_BYTES))) {
    throw new CheckpointError('checksum mismatch: the file is truncated or corrupt', file);
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (headerStart + headerLength > body.length) throw new CheckpointError(`a header of ${headerLength} bytes in a file of ${bytes.length}`, file);
  const header = readHeader(bytes.subarray(headerStart, headerStart + headerLength), file);
  let offset = headerStart + headerLength;
  offset += (4 - (offset % 4)) % 4;
  // Every size is checked against the bytes present before anything is allocated.
  const dataBytes = header.tensors.reduce((sum, t) => sum + 4 * t.length, 0);
  if (offset + dataBytes !== body.length) throw new CheckpointError(`the header lists ${dataBytes} bytes of tensors, the file holds ${body.length - offset}`, file);
  const groups: CheckpointContent['groups'] = {};
  for (const { group, name, shape, length } of header.tensors) {
    const values = new Float32Array(length);
    values.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * length)));
    offset += 4 * length;
    (groups[group] ??= []).push({ name, shape, values });
  }
  return { state: header.state, groups };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The JSON header, each field checked: a checksummed file can still have been written by hand. */
function readHeader(bytes: Buffer, file: string): Header {
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CheckpointError(`its header is not JSON (${(error as Error).message})`, file);
  }
  if (!isObject(header)) throw new CheckpointError('its header is not a JSON object', file);
  if (header.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(`format version ${JSON.stringify(header.version)}, this build reads ${CHECKPOINT_FORMAT_VERSION}`, file);
  }
  if (!isObject(header.state) || !Array.isArray(header.tensors)) throw new CheckpointError('its header lacks the state or the tensor list', file);
  header.tensors.forEach((t: unknown, i) => {
    const ok = isObject(t) && typeof t.group === 'string' && typeof t.name === 'string' && Array.isArray(t.shape) && t.shape.every(isSize) && isSize(t.length);
    if (!ok || (t.shape as number[]).reduce((a, b) => a * b, 1) !== t.length) throw new CheckpointError(`tensor ${i} of its header is malformed: ${JSON.stringify(t).slice(0, 200)}`, file);
  });
  return header as unknown as Header;
}

export const LATEST = 'latest.ckpt';
export const PREVIOUS = 'previous.ckpt';

/**
 * Writes a checkpoint into `dir` atomically: temporary file, fsync, then the current latest becomes
 * the previous one and the new file the latest (renames are atomic on one file system).
 */
export function writeCheckpoint(dir: string, content: CheckpointContent): string {
  makeFolders(dir);
  const latest = path.join(dir, LATEST);
  writeFileAtomic(latest, encodeCheckpoint(content), { previous: path.join(dir, PREVIOUS) });
  return latest;
}

export interface LoadedCheckpoint extends CheckpointContent {
  file: string;
  /** Checkpoints that were refused on the way (a corrupt latest), with the reason. */
  refused: CheckpointError[];
}

/**
 * The newest usable checkpoint in `dir`: the latest, or the previous one when the latest is
 * refused; undefined when there is none. Throws when every checkpoint present is refused.
 */
export function loadCheckpoint(dir: string): LoadedCheckpoint | undefined {
  const refused: CheckpointError[] = [];
  for (const name of [LATEST, PREVIOUS]) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    try {
      return { ...decodeCheckpoint(readFileSync(file), file), file, refused };
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      refused.push(e);
    }
  }
  if (refused.length) throw new CheckpointError(`no usable checkpoint: ${refused.map((e) => e.message).join('; ')}`, dir);
  return undefined;
}

/** A tensor's values as a checkpoint stores them. */
export const storedTensor = (name: string, t: tf.Tensor): StoredTensor => ({ name, shape: t.shape, values: Float32Array.from(t.dataSync()) });

/** Writes a checkpoint's weights into the model, by position (layer names get process-unique suffixes; order and shapes do not change). */
export function setModelWeights(model: tfl.LayersModel, checkpoint: LoadedCheckpoint): void {
  const saved = checkpoint.groups.weights ?? [];
  if (saved.length !== model.weights.length) {
    throw new CheckpointError(`has ${saved.length} weights, the model ${model.weights.length}: not this model`, checkpoint.file);
  }
  const values = model.weights.map((w, i) => {
    if (JSON.stringify(saved[i].shape) !== JSON.stringify(w.shape)) {
      throw new CheckpointError(`weight ${i} (${saved[i].name}) has shape [${saved[i].shape}], the model's ${w.name} [${w.shape}]`, checkpoint.file);
    }
    return tf.tensor(saved[i].values, saved[i].shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}
