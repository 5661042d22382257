/**
 * The errors `@kiln/pkgs` throws on purpose, one class per kind of mistake,
 * all extending {@link KilnError} so that callers can catch Kiln's errors as one.
 */
import { KilnError } from "@kiln/formats";

/** `mkDerivation` (or a trivial builder) was given attributes it cannot use. */
export class PackageAttributeError extends KilnError {
  override name = "PackageAttributeError";
}

/**
 * A self-reference that JavaScript cannot evaluate: `finalAttrs` read while
 * the attributes were still being computed, an overlay reading through
 * `final` an attribute it defines itself, or an attribute that needs itself.
 */
export class FixpointError extends KilnError {
  override name = "FixpointError";
}

/** A package whose `meta` forbids evaluating it with this configuration (unfree, broken, another platform). */
export class PackageMetaError extends KilnError {
  override name = "PackageMetaError";

  constructor(
    message: string,
    /** Why: `unfree`, `broken` or `unsupported-platform`. */
    readonly reason: "unfree" | "broken" | "unsupported-platform",
    /** The package's name. */
    readonly packageName: string,
  ) {
    super(message);
  }
}
