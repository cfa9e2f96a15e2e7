export { l1, l2, qtrCost, qtrDeadzone, totalPenalty, type QtrCostOptions } from './regularizers';
export { type Regularizer, type RegularizedWeight } from './regularizer';
export { constant, linearWarmup, type Schedule } from './schedule';
