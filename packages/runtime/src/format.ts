// The packed model file, version 1:
//   "STPACK1\n" (8 bytes) | header length (u32 LE) | header (UTF-8 JSON) | payload | CRC-32 (u32 LE)
// The header lists the layers; every array a layer uses is a reference into the payload (offset
// and length in elements, 4-byte aligned, little-endian float32 or int32). The CRC covers every
// byte before it.
import { crc32 } from './crc32';
import { PackedModelError } from './errors';

export const MAGIC = 'STPACK1\n';
export const FORMAT_VERSION = 1;
/** The name a packed model is written under beside a run's ONNX exports. */
export const PACKED_FILE = 'model.stpack';

export interface ArrayRef {
  kind: 'f32' | 'i32';
  offset: number;
  length: number;
}

/** Per output row, the inputs it adds (+alpha) and subtracts (-alpha): CSR by output. */
export interface TernaryRows {
  plusStart: ArrayRef;
  plus: ArrayRef;
  minusStart: ArrayRef;
  minus: ArrayRef;
}

/**
 * A weight layer: rows = outputs, each reading `fanIn` inputs (feature indices for a dense layer,
 * offsets into the zero-padded input patch for a convolution). Ternary rows, or float weights
 * [rows, fanIn] for a layer kept float. y = mul[o] * acc[o] + add[o] (bias and BatchNorm folded in).
 */
export interface WeightLayer {
  rows: number;
  fanIn: number;
  ternary?: TernaryRows;
  weights?: ArrayRef;
  /** Conv only: the fan-in's offsets in the padded input (for float weights). */
  offsets?: ArrayRef;
  mul: ArrayRef;
  add: ArrayRef;
}

/** A layer reads the output of the layer before it, or of the earlier layer `input` names (-1: the model's input). */
export type PackedLayer = LayerKind & { input?: number };

type LayerKind =
  | ({ type: 'dense'; inputs: number } & WeightLayer)
  | ({ type: 'conv'; inShape: [number, number, number]; outShape: [number, number, number]; kernel: [number, number]; strides: [number, number]; pads: [number, number, number, number] } & WeightLayer)
  | { type: 'pool'; kind: 'max' | 'avg'; inShape: [number, number, number]; outShape: [number, number, number]; pool: [number, number]; strides: [number, number]; pads: [number, number, number, number] }
  | { type: 'affine'; channels: number; mul: ArrayRef; add: ArrayRef }
  /** max(x, 0), capped at `max` when given (ReLU6: 6). */
  | { type: 'relu'; max?: number }
  | { type: 'softmax' }
  /**
   * A quantized activation: binary (bits 1: +1 where x >= 0, else -1), or x clipped to [0, clip]
   * ([-clip, clip] when signed) and rounded half to even to steps of clip / (2^bits - 1) (signed:
   * 2^(bits - 1) - 1), in float32 as TF.js computes it.
   */
  | { type: 'quantize'; bits: number; signed: boolean; clip: number }
  /** A residual connection: the input plus the output of layer `other` (-1: the model's input), of the same size. */
  | { type: 'add'; other: number };

export interface PackedHeader {
  version: number;
  /** Input per sample, channels-last. */
  inputShape: number[];
  outputSize: number;
  layers: PackedLayer[];
  payloadBytes: number;
  /** What the packer recorded (source, sparsity): not used for inference. */
  info?: Record<string, unknown>;
}

/** Accumulates payload arrays, 4-byte aligned. */
export class PayloadWriter {
  private readonly chunks: { offset: number; values: Float32Array | Int32Array }[] = [];
  private size = 0;

  add(values: Float32Array | Int32Array): ArrayRef {
    const offset = this.size / 4;
    this.chunks.push({ offset, values: values.slice() });
    this.size += values.byteLength;
    return { kind: values instanceof Float32Array ? 'f32' : 'i32', offset, length: values.length };
  }

  /** Rewrites a float array already added (folding BatchNorm into a layer's multiply and add). */
  replace(ref: ArrayRef, map: (value: number, index: number) => number): ArrayRef {
    const chunk = this.chunks.find((c) => c.offset === ref.offset)!;
    chunk.values.forEach((v, i) => (chunk.values[i] = map(v, i)));
    return ref;
  }

  get bytes(): number {
    return this.size;
  }

  concat(): Uint8Array {
    const out = new Uint8Array(this.size);
    for (const { offset, values } of this.chunks) out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset * 4);
    return out;
  }
}

export function encodePacked(header: Omit<PackedHeader, 'payloadBytes' | 'version'>, payload: PayloadWriter): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ ...header, version: FORMAT_VERSION, payloadBytes: payload.bytes }));
  const magic = new TextEncoder().encode(MAGIC);
  const out = new Uint8Array(magic.length + 4 + json.length + payload.bytes + 4);
  const view = new DataView(out.buffer);
  out.set(magic, 0);
  view.setUint32(magic.length, json.length, true);
  out.set(json, magic.length + 4);
  out.set(payload.concat(), magic.length + 4 + json.length);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

export interface DecodedPacked {
  header: PackedHeader;
  /** The payload as 32-bit words, for typed views. */
  payload: ArrayBuffer;
}

/** Checks the magic, version and checksum and splits header and payload; nothing is trusted yet. */
export function decodePacked(bytes: Uint8Array): DecodedPacked {
  const magic = new TextEncoder().encode(MAGIC);
  if (bytes.length < magic.length + 8) throw new PackedModelError(`${bytes.length} bytes: too short for a packed model`);
  const head = new TextDecoder().decode(bytes.subarray(0, magic.length));
  if (head !== MAGIC) {
    if (head.startsWith('STPACK')) throw new PackedModelError(`format version ${head.slice(6).trim()} is not supported (this runtime reads version ${FORMAT_VERSION})`);
    throw new PackedModelError('not a packed sparse ternary model (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) throw new PackedModelError(`checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is corrupt or truncated`);
  const headerLength = view.getUint32(magic.length, true);
  const headerEnd = magic.length + 4 + headerLength;
  if (headerEnd > bytes.length - 4) throw new PackedModelError(`header length ${headerLength} runs past the end of the file`);
  let header: PackedHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length + 4, headerEnd)));
  } catch (error) {
    throw new PackedModelError(`header is not JSON: ${(error as Error).message}`);
  }
  if (header?.version !== FORMAT_VERSION) throw new PackedModelError(`format version ${header?.version} is not supported (this runtime reads version ${FORMAT_VERSION})`);
  const payloadLength = bytes.length - 4 - headerEnd;
  if (header.payloadBytes !== payloadLength || payloadLength % 4 !== 0) throw new PackedModelError(`payload is ${payloadLength} bytes, the header says ${header.payloadBytes}`);
  // A copy of its own: a Node Buffer's slice() is a view into a larger (pooled) ArrayBuffer.
  return { header, payload: new Uint8Array(bytes.subarray(headerEnd, headerEnd + payloadLength)).buffer };
}
