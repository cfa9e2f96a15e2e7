// The packages an entry point loads: its bare imports and those of every file it reaches by
// relative imports (type-only imports excluded: they load nothing). For tests that an entry
// stays free of what another entry needs.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function entryImports(entry: string): Set<string> {
  return entryReach(entry).packages;
}

/** The packages an entry loads and its own files it reaches. */
export function entryReach(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, typeOnly, spec] of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      if (typeOnly) continue;
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      visit([`${base}.ts`, path.join(base, 'index.ts')].find(existsSync)!);
    }
  };
  visit(path.resolve(entry));
  return { packages, files: seen };
}
