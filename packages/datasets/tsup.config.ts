import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
  tsconfig: 'tsconfig.json',
  // The embedded default dataset ships inside the build output.
  onSuccess: async () => cpSync('data', 'dist/data', { recursive: true }),
});
