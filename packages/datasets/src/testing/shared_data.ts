// Test helper: the read-only ../shared folder beside the repository (CI has it; users do not).
import { existsSync } from 'node:fs';
import path from 'node:path';

/** A path inside ../shared/datasets; throws (so the test fails, not skips) when it is missing. */
export function sharedDataset(...parts: string[]): string {
  const file = path.resolve(__dirname, '../../../../../shared/datasets', ...parts);
  if (!existsSync(file)) throw new Error(`test data missing: ${file} (the ../shared folder beside the repository)`);
  return file;
}
