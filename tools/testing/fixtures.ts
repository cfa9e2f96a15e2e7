// Test helper: files in the repository's fixtures/ folder (fixtures/README.md says where each comes from).
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The path of fixtures/<parts>; throws (the test fails, not skips) when the file is missing. */
export function fixture(...parts: string[]): string {
  const file = path.resolve(__dirname, '../../fixtures', ...parts);
  if (!existsSync(file)) throw new Error(`fixture missing: ${file} (fixtures/make_fixtures.py makes it)`);
  return file;
}
