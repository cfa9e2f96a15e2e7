import { DataType } from './proto';
import { readTensor, TensorDataError } from './tensor_data';

const bytes = (typed: ArrayBufferView) => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);

describe('readTensor', () => {
  test('float32 in raw_data and in float_data read the same', () => {
    const raw = readTensor({ name: 'a', dataType: DataType.FLOAT, dims: [2, 2], rawData: bytes(Float32Array.of(1, -2, 0.5, 3)) }, 100);
    const typed = readTensor({ name: 'a', dataType: DataType.FLOAT, dims: [2, 2], floatData: [1, -2, 0.5, 3] }, 100);
    expect(raw).toEqual({ dims: [2, 2], values: Float32Array.of(1, -2, 0.5, 3), dataType: DataType.FLOAT });
    expect(typed).toEqual(raw);
  });

  test('double, float16, int8, int64 and bool', () => {
    expect(Array.from(readTensor({ dataType: DataType.DOUBLE, dims: [2], rawData: bytes(Float64Array.of(0.25, -8)) }, 100).values)).toEqual([0.25, -8]);
    expect(Array.from(readTensor({ dataType: DataType.DOUBLE, dims: [1], doubleData: [1.5] }, 100).values)).toEqual([1.5]);
    // float16 bits: 0x3c00 = 1, 0xc000 = -2, 0x3555 ~ 0.333
    expect(Array.from(readTensor({ dataType: DataType.FLOAT16, dims: [3], rawData: bytes(Uint16Array.of(0x3c00, 0xc000, 0x3555)) }, 100).values)).toEqual([1, -2, Math.fround(0.333251953125)]);
    expect(readTensor({ dataType: DataType.INT8, dims: [3], rawData: bytes(Int8Array.of(-1, 0, 1)) }, 100).values).toEqual([-1, 0, 1]);
    expect(readTensor({ dataType: DataType.INT8, dims: [3], int32Data: [-1, 0, 1] }, 100).values).toEqual([-1, 0, 1]);
    expect(readTensor({ dataType: DataType.INT64, dims: [2], rawData: bytes(BigInt64Array.of(-1n, 27n)) }, 100).values).toEqual([-1, 27]);
    expect(readTensor({ dataType: DataType.INT64, dims: [2], int64Data: [-1, 27] }, 100).values).toEqual([-1, 27]);
    expect(readTensor({ dataType: DataType.BOOL, dims: [2], rawData: Uint8Array.of(1, 0) }, 100).values).toEqual([1, 0]);
  });

  test('a scalar has no dims and one value', () => {
    expect(readTensor({ dataType: DataType.FLOAT, floatData: [7] }, 100)).toEqual({ dims: [], values: Float32Array.of(7), dataType: DataType.FLOAT });
  });

  test('refuses strings, wrong counts and shapes over the limit', () => {
    expect(() => readTensor({ name: 's', dataType: DataType.STRING, dims: [1] }, 100)).toThrow(new TensorDataError("tensor 's' has data type STRING, which is not supported"));
    expect(() => readTensor({ name: 'f', dataType: DataType.FLOAT, dims: [3], floatData: [1, 2] }, 100)).toThrow("tensor 'f' has 2 values; shape [3] needs 3");
    expect(() => readTensor({ name: 'big', dataType: DataType.FLOAT, dims: [11, 10] }, 100)).toThrow("tensor 'big' has shape [11,10], more than the limit of 100 elements");
  });
});
