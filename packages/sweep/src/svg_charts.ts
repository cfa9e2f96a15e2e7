// Small SVG charts for results pages: scatter plots with their Pareto fronts, and histograms.
// Plain SVG text, so the plots are committed as reviewable files and need no browser to render.

/** An axis: its range, linear or log, its label and how its ticks read. */
export interface Axis {
  min: number;
  max: number;
  log?: boolean;
  label: string;
  format?: (v: number) => string;
}

export interface ChartPoint {
  x: number;
  y: number;
  label?: string;
}

export interface ScatterSeries {
  label: string;
  color: string;
  points: ChartPoint[];
  /** Drawn dashed through these points (paretoFront's). */
  front?: ChartPoint[];
}

export interface HistogramSeries {
  label: string;
  color: string;
  min: number;
  max: number;
  counts: number[];
  /** A threshold drawn at -delta and +delta. */
  delta?: number;
}

/** The points that no other point beats with less or equal cost (x), by increasing cost. */
export function paretoFront<P extends ChartPoint>(points: P[]): P[] {
  const front: P[] = [];
  for (const p of [...points].sort((a, b) => a.x - b.x || b.y - a.y)) if (!front.length || p.y > front[front.length - 1].y) front.push(p);
  return front;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
export const color = (i: number): string => COLORS[i % COLORS.length];
const escape = (text: unknown): string => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (v: number): number => Number(v.toFixed(1));

/** Ticks at 1, 2, 5 x 10^k inside [lo, hi] (log axis) or about 6 round values (linear axis). */
function ticks(lo: number, hi: number, log?: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) for (const m of [1, 2, 5]) if (m * 10 ** k >= lo && m * 10 ** k <= hi) out.push(m * 10 ** k);
    return out;
  }
  const step = 10 ** Math.floor(Math.log10((hi - lo) / 5));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= 7)!;
  const out: number[] = [];
  for (let k = Math.ceil(lo / nice); k * nice <= hi + 1e-9; k++) out.push(Number((k * nice).toPrecision(6)));
  return out;
}

/**
 * A chart frame: axes, ticks, labels and a legend; returns the SVG and the scale functions.
 * series: [{ label, color }] for the legend.
 */
function frame({ width, height, title, x, y, series }: { width: number; height: number; title: string; x: Axis; y: Axis; series: { label: string; color: string }[] }) {
  const m = { left: 60, right: 200, top: 30, bottom: 45 };
  const sx = (v: number) => (x.log ? (Math.log(v) - Math.log(x.min)) / (Math.log(x.max) - Math.log(x.min)) : (v - x.min) / (x.max - x.min)) * (width - m.left - m.right) + m.left;
  const sy = (v: number) => height - m.bottom - ((y.log ? (Math.log(v) - Math.log(y.min)) / (Math.log(y.max) - Math.log(y.min)) : (v - y.min) / (y.max - y.min)) * (height - m.top - m.bottom));
  const parts = [`<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#999"/>`];
  for (const t of ticks(x.min, x.max, x.log)) parts.push(`<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${m.top}" y2="${height - m.bottom}" stroke="#eee"/><text x="${f(sx(t))}" y="${height - m.bottom + 15}" text-anchor="middle">${x.format ? x.format(t) : t}</text>`);
  for (const t of ticks(y.min, y.max, y.log)) parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${f(sy(t))}" y2="${f(sy(t))}" stroke="#eee"/><text x="${m.left - 5}" y="${f(sy(t)) + 4}" text-anchor="end">${y.format ? y.format(t) : t}</text>`);
  parts.push(`<text x="${(width - m.right + m.left) / 2}" y="${height - 8}" text-anchor="middle">${escape(x.label)}</text>`);
  parts.push(`<text transform="translate(14 ${(height - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle">${escape(y.label)}</text>`);
  parts.push(`<text x="${m.left}" y="18" font-weight="bold">${escape(title)}</text>`);
  series.forEach((s, i) => parts.push(`<rect x="${width - m.right + 12}" y="${m.top + 18 * i}" width="12" height="12" fill="${s.color}"/><text x="${width - m.right + 30}" y="${m.top + 18 * i + 10}">${escape(s.label)}</text>`));
  return { parts, sx, sy };
}

const document = (width: number, height: number, parts: string[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;

/** Points per series, each with its (dashed) front drawn through the points given as `front`. */
export function scatterSvg({ width = 760, height = 420, title, x, y, series }: { width?: number; height?: number; title: string; x: Axis; y: Axis; series: ScatterSeries[] }): string {
  const { parts, sx, sy } = frame({ width, height, title, x, y, series });
  for (const s of series) {
    if (s.front && s.front.length > 1) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-dasharray="4 3" points="${s.front.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ')}"/>`);
    for (const p of s.points) parts.push(`<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="4" fill="${s.color}" fill-opacity="0.8"><title>${escape(p.label ?? '')}</title></circle>`);
  }
  return document(width, height, parts);
}

/** Histograms ({ min, max, counts } each) drawn as step lines over a log count axis. */
export function histogramSvg({ width = 760, height = 300, title, series }: { width?: number; height?: number; title: string; series: HistogramSeries[] }): string {
  const min = Math.min(...series.map((s) => s.min));
  const max = Math.max(...series.map((s) => s.max));
  const peak = Math.max(...series.flatMap((s) => s.counts));
  const { parts, sx, sy } = frame({ width, height, title, x: { min, max, label: 'float weight after stage 1', format: (v) => v.toPrecision(2) }, y: { min: 1, max: peak * 1.5, log: true, label: 'weights' }, series });
  for (const s of series) {
    const bin = (s.max - s.min) / s.counts.length;
    const points = s.counts.flatMap((c, i) => [`${f(sx(s.min + i * bin))},${f(sy(Math.max(c, 1)))}`, `${f(sx(s.min + (i + 1) * bin))},${f(sy(Math.max(c, 1)))}`]);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${points.join(' ')}"/>`);
  }
  for (const d of series.flatMap((s) => (s.delta ? [{ d: s.delta, color: s.color }] : []))) {
    for (const v of [-d.d, d.d]) if (v > min && v < max) parts.push(`<line x1="${f(sx(v))}" x2="${f(sx(v))}" y1="30" y2="${height - 45}" stroke="${d.color}" stroke-dasharray="2 2"/>`);
  }
  return document(width, height, parts);
}
