/**
 * The root of every error the module system throws on purpose.
 *
 * Each kind of failure (an undeclared option, a type mismatch, conflicting
 * definitions, …) has its own subclass, so callers can tell them apart with
 * `instanceof`; messages follow NixOS's wording so a NixOS user recognises them.
 */
import { KilnError } from "@kiln/formats";

/** Base class of all `@kiln/modules` errors. */
export class ModuleSystemError extends KilnError {
  override name = "ModuleSystemError";
}
