// onnx-proto's generated protobufjs classes. The package is CommonJS without named-export hints,
// so Node's ESM loader only sees its default export.
import onnxProto, { type onnx } from 'onnx-proto';

export const { onnx: proto } = onnxProto;
export type { onnx };

export const DataType = proto.TensorProto.DataType;

/** Protobuf int64 fields arrive as numbers or as Long objects, depending on what protobufjs found installed. */
export type Int64 = number | { toNumber(): number };

export const toNumber = (value: Int64 | null | undefined): number =>
  value === null || value === undefined ? 0 : typeof value === 'number' ? value : value.toNumber();

/** The newest default-domain opset the importer reads, and the one the exporter writes. */
export const MAX_IMPORT_OPSET = 21;
export const EXPORT_OPSET = 13;
export const QONNX_DOMAIN = 'qonnx.custom_op.general';
