/** A request the notebook cannot honour (bad parameters, a malformed upload, a busy server): HTTP 400/409. */
export class CellError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'CellError';
  }
}
