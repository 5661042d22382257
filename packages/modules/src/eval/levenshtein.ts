/**
 * Edit distance between option names, for "Did you mean …?" suggestions
 * (nixpkgs uses `lib.strings.levenshtein` the same way).
 */
import { editDistance } from "@kiln/formats";


/** Up to three of `candidates` closest to `name` (all candidates are considered for small sets, only distance ≤ 2 for large ones). */
export function closestNames(name: string, candidates: readonly string[]): string[] {
  const scored = candidates.map((candidate) => ({ candidate, distance: editDistance(name, candidate) }));
  const eligible = candidates.length < 100 ? scored : scored.filter(({ distance }) => distance <= 2);
  return eligible
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}
