import { KilnError } from "../errors.js";

/**
 * A `derivation()` call that Nix would refuse: a missing or ill-typed
 * attribute, a bad name, an invalid output hash. The message names the
 * derivation and the attribute.
 */
export class DerivationError extends KilnError {
  override name = "DerivationError";
}
