/**
 * Names close to a misspelt one (attribute paths, packages, options), for "Did you mean …?" hints: ranked by edit
 * distance, keeping only those a typo could explain (about a third of the
 * name may differ), and names that contain what was typed (`grep` finds
 * `ripgrep`).
 */

/** The number of single-character insertions, deletions and substitutions that turn `from` into `to`. */
export function editDistance(from: string, to: string): number {
  let previous = Array.from({ length: to.length + 1 }, (_, index) => index);
  for (let i = 1; i <= from.length; i++) {
    const current = [i];
    for (let j = 1; j <= to.length; j++) {
      const replace = (previous[j - 1] as number) + (from[i - 1] === to[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, replace));
    }
    previous = current;
  }
  return previous[to.length] as number;
}

/** Up to `limit` of `candidates` close to `wanted`, closest first. */
export function closeNames(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const lower = wanted.toLowerCase();
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  return candidates
    .map((candidate) => {
      const distance = editDistance(lower, candidate.toLowerCase());
      const contains = lower.length >= 3 && candidate.toLowerCase().includes(lower);
      return { candidate, rank: contains ? Math.min(distance, allowed) : distance, close: distance <= allowed || contains };
    })
    .filter(({ close }) => close)
    .sort((left, right) => left.rank - right.rank || left.candidate.localeCompare(right.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
