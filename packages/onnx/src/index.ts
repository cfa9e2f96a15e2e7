export { ImportError, ExportError, type NodeProblem } from './errors';
export { readOnnx, readOnnxFile, DEFAULT_MAX_ELEMENTS, type OnnxGraph, type OnnxNode, type GraphValue, type ReadOptions } from './read_model';
export { type ConstTensor } from './tensor_data';
export { importOnnx, signatureOf, type ImportedModel, type ImportOptions, type InputLayout, type OnnxSignature } from './import/import_model';
export { SUPPORTED_OPS } from './import/converters';
export { ConstantArithmetic, type ArithmeticOp } from './layers/constant_arithmetic';
export { ElementwiseFunction, type ElementwiseFunctionArgs } from './layers/elementwise_function';
export { ConstantPadding2D } from './layers/constant_padding';
