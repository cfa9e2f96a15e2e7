import { packageBuild } from '../../tsup.base';

// Split for CJS too: both entries share one copy of the errors, so instanceof works across them.
export default packageBuild({ entry: { index: 'src/index.ts', pack: 'src/entries/pack.ts' }, splitting: true });
