import type { WeightFormat } from './export_context';

/** The files a compressed model is exported to, one per weight format: what the CLI writes and the notebook offers. */
export const EXPORT_FILES: readonly { file: string; format: WeightFormat }[] = [
  { file: 'model.onnx', format: 'float' },
  { file: 'model.int8.onnx', format: 'int8' },
  { file: 'model.qonnx.onnx', format: 'qonnx' },
];
