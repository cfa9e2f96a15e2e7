// "Did you mean ...?": the known name closest to a mistyped one, by edit distance.

/** Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

const commonPrefix = (a: string, b: string) => {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
};

/**
 * The candidate closest to `name` (case-insensitive), if it is close enough to be a typo: at most
 * a third of its letters off, and at least 2; of equally close ones, the one sharing the longest start.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const typed = name.toLowerCase();
  let best: { candidate: string; distance: number; prefix: number } | undefined;
  for (const candidate of candidates) {
    const known = candidate.toLowerCase();
    const [distance, prefix] = [editDistance(typed, known), commonPrefix(typed, known)];
    if (distance <= limit && (!best || distance < best.distance || (distance === best.distance && prefix > best.prefix))) best = { candidate, distance, prefix };
  }
  return best?.candidate;
}

/** " (did you mean x?)" for a close candidate, else "". */
export const didYouMean = (name: string, candidates: readonly string[]): string => {
  const close = closestName(name, candidates);
  return close ? ` (did you mean ${close}?)` : '';
};
