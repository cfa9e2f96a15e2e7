// The results page's charts: @sparse-ternary/sweep's (where sweeps draw their Pareto plots).
export { color, histogramSvg, scatterSvg } from '@sparse-ternary/sweep';
