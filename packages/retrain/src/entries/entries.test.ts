import path from 'node:path';
import { entryImports, entryReach } from '../../../../tools/testing/entry_imports';

const REPORT_HTML = path.join(__dirname, '../report/report_html.ts');

test('the main entry leaves the HTML report (Chart.js inlined from its installed files) to @sparse-ternary/retrain/report', () => {
  expect(entryReach(path.join(__dirname, '../index.ts')).files).not.toContain(REPORT_HTML);
  expect(entryReach(path.join(__dirname, 'report.ts')).files).toContain(REPORT_HTML);
});

test('@sparse-ternary/retrain/stages loads nothing: a page can name the stages without TF.js', () => {
  expect([...entryImports(path.join(__dirname, 'stages.ts'))]).toEqual([]);
});
