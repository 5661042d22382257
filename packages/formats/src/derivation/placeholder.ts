/**
 * `builtins.placeholder`: a string that stands for an output's path.
 *
 * A derivation cannot write its own output paths into its attributes (they
 * are computed from those attributes), so it writes a placeholder instead,
 * which the builder replaces at build time. The placeholder is a `/` and the
 * Nix base32 sha256 of `nix-output:<name>`.
 */
import { hashString } from "../store/hash.js";

/** The placeholder for output `outputName`, as `builtins.placeholder`. */
export function placeholder(outputName: string): string {
  return `/${hashString("sha256", `nix-output:${outputName}`).toNixBase32()}`;
}
