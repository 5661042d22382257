/**
 * Text made of many pieces (a `.drv`'s ATerm, a store path's fingerprint),
 * put one by one onto one running string and taken when complete.
 *
 * The pieces are concatenated as they come: V8 makes a rope of them, which
 * hashing flattens once. Printing puts the punctuation and the (escaped) strings
 * as pieces of their own, so no quoted copy of a string is made first. Joining
 * the pieces with `Array#join` instead gives a flat string and no rope nodes
 * (a fifth less allocation per derivation), but cost more CPU than the nodes
 * saved: about 10 ns a piece, more while `derivation()` is not yet optimised.
 * A text must be taken before the next one is begun.
 */

let text = "";

/** Puts the next piece of the text being built. */
export function putText(piece: string): void {
  text += piece;
}

/** The pieces put since the last call, as one string; the next text starts empty. */
export function takeText(): string {
  const done = text;
  text = "";
  return done;
}
