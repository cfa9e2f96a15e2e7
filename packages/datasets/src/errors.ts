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

/** A dataset found in none of the places looked in: what was looked at, and the ways to get it. */
export class DatasetNotFoundError extends DatasetError {
  constructor(
    readonly dataset: string,
    readonly looked: readonly string[],
    /** Ways to get it other than downloading it (a dataset's own hint), if any. */
    readonly hint: string | undefined,
    download: string,
  ) {
    super('');
    this.message = this.saying(download);
    this.name = 'DatasetNotFoundError';
  }

  /** The message, one line, with `download` (how to download it where it is read) as the first way to get it. */
  saying(download: string): string {
    return `dataset '${this.dataset}' not found (looked in ${this.looked.join('; ')}): get it with ${download}${this.hint ? `, or ${this.hint}` : ''}`;
  }
}
