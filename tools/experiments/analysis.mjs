// The choice rules of the results page, apart so they are tested: a run is chosen on its
// validation accuracy, never on its test accuracy.

/**
 * Sparsities within this of a level count as reaching it: a run pruned to exactly 95% reports
 * 0.9499998 (its zero count over its size, rounded through float32).
 */
export const SPARSITY_TOLERANCE = 1e-5;

/** Of the rows at or above a sparsity, the one with the best validation accuracy (undefined if none). */
export const chosen = (rows, level) => rows.filter((r) => r.sparsity >= level - SPARSITY_TOLERANCE).sort((a, b) => b.validation - a.validation)[0];

// The front of accuracy against cost: @sparse-ternary/sweep's.
export { paretoFront } from '@sparse-ternary/sweep';

/**
 * A target of the issue against a plan's rows: the sparse ternary run (groups 'st-*') chosen at the
 * target's sparsity, its gap to the TWN row in points, its memory ratios, and whether it meets them.
 */
export function checkTarget(rows, target) {
  const twn = rows.find((r) => r.group === 'twn');
  const run = chosen(rows.filter((r) => r.group.startsWith('st-')), target.sparsity);
  if (!twn || !run) return { run, met: false };
  const gap = 100 * (twn.test - run.test);
  const ratios = { binary: run.binaryBits / run.memoryBits, ternary: run.ternaryBits / run.memoryBits };
  const memoryMet = !target.memory || (ratios.binary >= target.memory.binary && ratios.ternary >= target.memory.ternary);
  return { run, twn, gap, ratios, met: gap <= target.gap && memoryMet, memoryMet };
}

/**
 * Per plan and sparsity level where at least two groups have a run, the group with the best chosen
 * validation accuracy and its margin over the runner-up; the tally of those wins (an exact tie wins
 * nothing and is counted apart). A level that compares the same runs as the level before it is the
 * same comparison and is counted once.
 */
export function tallyWins(plans, groups, levels) {
  const wins = Object.fromEntries(groups.map((g) => [g, 0]));
  let ties = 0;
  const cells = [];
  for (const { name, rows } of plans) {
    let previous = '';
    for (const level of levels) {
      const contenders = groups.map((group) => ({ group, run: chosen(rows.filter((r) => r.group === group), level) })).filter((x) => x.run);
      const compared = contenders.map((c) => c.run.name).join();
      if (contenders.length < 2 || compared === previous) continue;
      previous = compared;
      const [best, second] = contenders.sort((a, b) => b.run.validation - a.run.validation);
      const margin = best.run.validation - second.run.validation;
      if (margin > 0) wins[best.group]++;
      else ties++;
      cells.push({ plan: name, level, ...best, margin });
    }
  }
  return { wins, ties, cells };
}
