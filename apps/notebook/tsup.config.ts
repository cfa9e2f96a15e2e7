import { packageBuild } from '../../tsup.base';

export default [
  // The server as a library (startNotebookServer), ESM + CJS.
  packageBuild({ shims: true }),
  // The command: ESM only (it awaits at the top level).
  packageBuild({ entry: ['src/main.ts'], format: ['esm'], dts: false, clean: false }),
];
