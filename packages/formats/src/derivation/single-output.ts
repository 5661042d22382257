/**
 * The list of one output name, shared: most derivations have the one output
 * `out`, and most inputs are used by one output, nearly always `out`, so one
 * frozen list per name serves every derivation, its string contexts and its
 * inputs (Nix's `StringSet`s of one name), where a list each would be an
 * allocation more per derivation for the garbage collector to copy.
 */

const singleOutputs = new Map<string, readonly string[]>();
const OUT: readonly string[] = Object.freeze(["out"]);
singleOutputs.set("out", OUT);

/** The frozen list of the one output `name`, the same list every time. */
export function singleOutput(name: string): readonly string[] {
  // Nearly always `out`: found without a lookup.
  if (name === "out") return OUT;
  let list = singleOutputs.get(name);
  if (list === undefined) singleOutputs.set(name, (list = Object.freeze([name])));
  return list;
}
