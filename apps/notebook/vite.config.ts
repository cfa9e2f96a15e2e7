import { defineConfig } from 'vite';

// The page: src/client built into dist/client, served by the notebook's server.
export default defineConfig({
  root: 'src/client',
  base: './',
  build: { outDir: '../../dist/client', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  logLevel: 'warn',
});
