import { cpSync } from 'node:fs';
import { packageBuild } from '../../tsup.base';

export default packageBuild({
  // __dirname in the ESM build, for finding the embedded data.
  shims: true,
  // The embedded default dataset ships inside the build output.
  onSuccess: async () => cpSync('data', 'dist/data', { recursive: true }),
});
