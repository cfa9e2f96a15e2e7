// How the experiments' pages write a fraction as a percentage: one formatter for every section.

/** 0.9873 -> '98.73%'; '-' where there is no value. */
export const pct = (v, digits = 2) => (v === undefined || v === null ? '-' : `${(100 * v).toFixed(digits)}%`);
