/** A packed model that cannot be read: corrupt, truncated, another version, or inconsistent. */
export class PackedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackedModelError';
  }
}

/** A TF.js model that cannot be packed, naming the layer. */
export class PackError extends Error {
  constructor(
    message: string,
    readonly layer?: string,
  ) {
    super(layer ? `layer '${layer}': ${message}` : message);
    this.name = 'PackError';
  }
}

/** An input that does not fit the model. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
