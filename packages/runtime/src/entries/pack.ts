// @sparse-ternary/runtime/pack: packing a TF.js model, the one part of the runtime that needs TF.js
// (and @sparse-ternary/hw-cost); loading and running a packed model need neither.
export { pack } from '../pack';
