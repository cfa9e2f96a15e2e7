// Node attributes as plain values. Old models may leave `type` unset, so the value's field decides.
import { ConstTensor, readTensor } from './tensor_data';
import { proto, toNumber, type Int64, type onnx } from './proto';

export type AttributeValue = number | string | number[] | string[] | ConstTensor;

const decoder = new TextDecoder();
const { AttributeType } = proto.AttributeProto;

export function attributeValue(attr: onnx.IAttributeProto, maxElements: number): AttributeValue | undefined {
  const type = attr.type ?? AttributeType.UNDEFINED;
  if (type === AttributeType.FLOAT || (!type && attr.f !== undefined && attr.f !== null && attr.f !== 0)) return attr.f ?? 0;
  if (type === AttributeType.INT) return toNumber(attr.i as Int64);
  if (type === AttributeType.STRING) return decoder.decode(attr.s ?? new Uint8Array());
  if (type === AttributeType.TENSOR) return readTensor(attr.t ?? {}, maxElements);
  if (type === AttributeType.FLOATS) return attr.floats ?? [];
  if (type === AttributeType.INTS) return (attr.ints ?? []).map((v) => toNumber(v as Int64));
  if (type === AttributeType.STRINGS) return (attr.strings ?? []).map((s) => decoder.decode(s));
  if (type) return undefined; // graphs, sparse tensors, type protos: no supported op uses them
  if (attr.t) return readTensor(attr.t, maxElements);
  if (attr.ints?.length) return attr.ints.map((v) => toNumber(v as Int64));
  if (attr.floats?.length) return attr.floats;
  if (attr.strings?.length) return attr.strings.map((s) => decoder.decode(s));
  if (attr.s?.length) return decoder.decode(attr.s);
  if (attr.i !== undefined && attr.i !== null && toNumber(attr.i as Int64) !== 0) return toNumber(attr.i as Int64);
  return attr.f ?? 0;
}
