/** A dataset file that is missing, malformed or fails verification; names the file and, where it applies, the byte offset. */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly offset?: number,
  ) {
    super(file === undefined ? message : `${file}${offset === undefined ? '' : ` (byte ${offset})`}: ${message}`);
    this.name = 'DatasetError';
  }
}
