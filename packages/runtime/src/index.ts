export { load, type LoadOptions, type SparseTernaryModel } from './model';
export type { OperationTime } from './profile';
export { PackedModelError, PackError, InputError } from './errors';
export { decodePacked, encodePacked, FORMAT_VERSION, MAGIC, PACKED_FILE, PayloadWriter, type ArrayRef, type PackedHeader, type PackedLayer, type TernaryRows, type WeightLayer } from './format';
export { crc32 } from './crc32';
