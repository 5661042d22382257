/**
 * Edit distance between option names, for "Did you mean …?" suggestions
 * (nixpkgs uses `lib.strings.levenshtein` the same way).
 */

/** The Levenshtein distance between `a` and `b`. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Up to three of `candidates` closest to `name` (all candidates are considered for small sets, only distance ≤ 2 for large ones). */
export function closestNames(name: string, candidates: readonly string[]): string[] {
  const scored = candidates.map((candidate) => ({ candidate, distance: levenshtein(name, candidate) }));
  const eligible = candidates.length < 100 ? scored : scored.filter(({ distance }) => distance <= 2);
  return eligible
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}
