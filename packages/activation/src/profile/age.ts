/** Ages as `kiln generations --delete-older-than` takes them: `30d`, `12h`, `2w`, like Nix's `30d`. */
import { GenerationError } from "./profile-errors.js";

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds in `text` (a whole number and a unit: s, m, h, d or w). */
export function parseAge(text: string): number {
  const match = /^(\d+)([smhdw])$/.exec(text.trim());
  if (match?.[1] === undefined || match[2] === undefined) throw new GenerationError(`'${text}' is not an age: write a whole number and a unit, e.g. 30d (days), 12h, 2w, 90m or 45s`);
  return Number(match[1]) * (UNIT_MS[match[2]] as number);
}
