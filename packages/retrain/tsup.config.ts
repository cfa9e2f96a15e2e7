import { packageBuild } from '../../tsup.base';

// import.meta.url shimmed in the CJS build: the run report finds package files (versions, Chart.js) with it.
// Split for CJS too: the entries share one copy of what they have in common (STAGES).
export default packageBuild({ shims: true, entry: { index: 'src/index.ts', report: 'src/entries/report.ts', stages: 'src/entries/stages.ts' }, splitting: true });
