// The build every package shares: ESM + CJS + .d.ts for Node 20 from src/index.ts.
import { defineConfig, type Options } from 'tsup';

export const packageBuild = (overrides: Options = {}) =>
  defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // Members marked @internal stay out of the public types (a package's own plumbing).
    dts: { compilerOptions: { stripInternal: true } },
    clean: true,
    sourcemap: true,
    target: 'node20',
    tsconfig: 'tsconfig.json',
    ...overrides,
  });
