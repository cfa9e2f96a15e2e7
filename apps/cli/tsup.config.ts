import { packageBuild } from '../../tsup.base';

export default [
  // The library (run), ESM + CJS; import.meta.url is shimmed in CJS for finding package files.
  packageBuild({ shims: true }),
  // The command itself: ESM only (it awaits at the top level).
  packageBuild({ entry: ['src/main.ts'], format: ['esm'], dts: false, clean: false }),
];
