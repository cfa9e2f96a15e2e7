/** A sweep plan that cannot run: its file and the key at fault are named, and nothing has run. */
export class PlanError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    message: string,
  ) {
    super(`${file}: ${key ? `${key}: ` : ''}${message}`);
    this.name = 'PlanError';
  }
}
