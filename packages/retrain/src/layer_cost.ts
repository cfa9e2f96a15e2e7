/** A layer's c_l for the regularizers: its hardware cost when given (@sparse-ternary/hw-cost's nonZeroCosts), else 1. */
export const costOf = (costs: Readonly<Record<string, number>> | undefined, kernel: string) => costs?.[kernel] ?? 1;
