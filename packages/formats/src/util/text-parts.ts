/**
 * Text made of many pieces (a `.drv`'s ATerm, a store path's fingerprint),
 * put one by one and joined into one string at once.
 *
 * Concatenating the pieces builds a rope: a node of 32 bytes for each, which
 * hashing the text then copies into a flat string anyway. `Array#join` writes
 * the flat string directly, its only other cost a buffer of one slot per
 * piece. The pieces go into one array that every text reuses, and are joined
 * from an array of exactly their number, also reused (a text of that many
 * pieces comes again and again): shortening one array instead makes V8 trim
 * and later regrow it. A text must be joined before the next one is begun.
 */

const pieces: string[] = [];
let count = 0;

/** Reused arrays of exactly their index's length; texts of more pieces are rare and copy theirs. */
const exactly: (string[] | undefined)[] = [];
const MOST_REUSED = 256;

/** Puts the next piece of the text being built. */
export function putText(piece: string): void {
  pieces[count++] = piece;
}

/** The pieces put since the last call, as one flat string; the next text starts empty. */
export function joinText(): string {
  const length = count;
  count = 0;
  if (length > MOST_REUSED) return pieces.slice(0, length).join("");
  let parts = exactly[length];
  if (parts === undefined) exactly[length] = parts = new Array<string>(length).fill("");
  for (let i = 0; i < length; i++) parts[i] = pieces[i] as string;
  return parts.join("");
}
