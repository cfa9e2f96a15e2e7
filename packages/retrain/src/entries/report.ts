// @sparse-ternary/retrain/report: the self-contained HTML report, its own entry because it inlines Chart.js.
export { reportHtml } from '../report/report_html';
