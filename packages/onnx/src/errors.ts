/** One node the importer cannot convert, and why. */
export interface NodeProblem {
  opType: string;
  node: string;
  opset: number;
  reason: string;
}

const describe = (p: NodeProblem) => `  ${p.opType} node '${p.node}' (opset ${p.opset}): ${p.reason}`;

/**
 * The ONNX model cannot be imported: it is not a well-formed model, or some of its nodes use ops or
 * attributes the importer does not support (all of them are listed in `problems`).
 */
export class ImportError extends Error {
  constructor(
    message: string,
    /** The file (or '<bytes>') the model came from. */
    readonly source: string,
    readonly problems: readonly NodeProblem[] = [],
  ) {
    super(`${source}: ${message}${problems.length ? `\n${problems.map(describe).join('\n')}` : ''}`);
    this.name = 'ImportError';
  }
}

/** A model that the exporter cannot write, naming the layer. */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly layer?: string,
  ) {
    super(layer ? `layer '${layer}': ${message}` : message);
    this.name = 'ExportError';
  }
}
