export { l1, l2, qtrCost, qtrDeadzone, totalPenalty, type QtrCostOptions } from './regularizers';
export { type Regularizer, type RegularizedWeight, type RegularizerRule } from './regularizer';
export { constant, linearWarmup, type Schedule } from './schedule';
