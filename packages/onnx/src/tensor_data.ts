// Reads a TensorProto's values, from raw_data or the typed fields, after checking its dimensions
// and byte length, so a malformed tensor is refused before anything large is allocated.
import { DataType, toNumber, type Int64, type onnx } from './proto';

/** A constant: an initializer, a Constant node's value or a folded result. */
export interface ConstTensor {
  dims: number[];
  /** Float tensors as float32; integer and boolean tensors as plain numbers. */
  values: Float32Array | number[];
  /** The ONNX element type where it matters beyond float or integer (bool, int32); otherwise FLOAT for float32 values and INT64 for numbers. */
  dataType?: number;
}

/** Raised for a tensor the reader refuses; the importer adds the file and node. */
export class TensorDataError extends Error {}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16]);
const BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.DOUBLE]: 8,
  [DataType.FLOAT16]: 2,
  [DataType.INT8]: 1,
  [DataType.UINT8]: 1,
  [DataType.BOOL]: 1,
  [DataType.INT16]: 2,
  [DataType.UINT16]: 2,
  [DataType.INT32]: 4,
  [DataType.UINT32]: 4,
  [DataType.INT64]: 8,
  [DataType.UINT64]: 8,
};

/** Checks that dimensions are non-negative integers whose product stays within `maxElements`. */
function checkedElementCount(dims: readonly number[], maxElements: number, what: string): number {
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new TensorDataError(`${what} has dimension ${d}`);
    count *= d;
    if (count > maxElements) throw new TensorDataError(`${what} has shape [${dims}], more than the limit of ${maxElements} elements`);
  }
  return count;
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function fromRaw(raw: Uint8Array, dataType: number, count: number): Float32Array | number[] {
  // The common case, float32 on a little-endian machine: one copy of the bytes.
  if (dataType === DataType.FLOAT && LITTLE_ENDIAN) return new Float32Array(new Uint8Array(raw).buffer, 0, count);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read = (i: number): number => {
    switch (dataType) {
      case DataType.FLOAT: return view.getFloat32(i * 4, true);
      case DataType.DOUBLE: return view.getFloat64(i * 8, true);
      case DataType.FLOAT16: return halfToFloat(view.getUint16(i * 2, true));
      case DataType.INT8: return view.getInt8(i);
      case DataType.UINT8: case DataType.BOOL: return view.getUint8(i);
      case DataType.INT16: return view.getInt16(i * 2, true);
      case DataType.UINT16: return view.getUint16(i * 2, true);
      case DataType.INT32: return view.getInt32(i * 4, true);
      case DataType.UINT32: return view.getUint32(i * 4, true);
      case DataType.INT64: return Number(view.getBigInt64(i * 8, true));
      default: return Number(view.getBigUint64(i * 8, true));
    }
  };
  if (FLOAT_TYPES.has(dataType)) {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = read(i);
    return out;
  }
  return Array.from({ length: count }, (_, i) => read(i));
}

function typedField(tensor: onnx.ITensorProto): number[] {
  switch (tensor.dataType) {
    case DataType.FLOAT: return tensor.floatData ?? [];
    case DataType.DOUBLE: return tensor.doubleData ?? [];
    case DataType.INT64: return (tensor.int64Data ?? []).map((v) => toNumber(v as Int64));
    case DataType.UINT32: case DataType.UINT64: return (tensor.uint64Data ?? []).map((v) => toNumber(v as Int64));
    // int32_data also holds the narrower integer types, bool and float16 (as its bits).
    default: return tensor.int32Data ?? [];
  }
}

/** The values of a TensorProto; throws TensorDataError for anything malformed or unsupported. */
export function readTensor(tensor: onnx.ITensorProto, maxElements: number): ConstTensor {
  const what = `tensor '${tensor.name ?? ''}'`;
  if (tensor.dataLocation === 1 || (tensor.externalData?.length ?? 0) > 0) {
    const location = tensor.externalData?.find((e) => e.key === 'location')?.value;
    throw new TensorDataError(
      `${what} keeps its data in an external file${location ? ` (${location})` : ''}; ` +
        'save the model with its data inside (onnx.save_model(model, path, save_as_external_data=False))',
    );
  }
  const dataType = tensor.dataType ?? 0;
  const size = BYTES[dataType];
  if (size === undefined) throw new TensorDataError(`${what} has data type ${DataType[dataType] ?? dataType}, which is not supported`);
  const dims = (tensor.dims ?? []).map((d) => toNumber(d as Int64));
  const count = checkedElementCount(dims, maxElements, what);
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== count * size) {
      throw new TensorDataError(`${what} has ${raw.length} bytes of raw data; shape [${dims}] of ${DataType[dataType]} needs ${count * size}`);
    }
    return { dims, values: fromRaw(raw, dataType, count), dataType };
  }
  const field = typedField(tensor);
  if (field.length !== count) throw new TensorDataError(`${what} has ${field.length} values; shape [${dims}] needs ${count}`);
  if (dataType === DataType.FLOAT16) return { dims, values: Float32Array.from(field, halfToFloat), dataType };
  return { dims, values: FLOAT_TYPES.has(dataType) ? Float32Array.from(field) : field.slice(), dataType };
}

