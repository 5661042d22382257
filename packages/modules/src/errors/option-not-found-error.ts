/**
 * A definition for an option nobody declared: NixOS's "The option `x' does
 * not exist", with a "Did you mean" suggestion taken from sibling options.
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown when a module defines an option that no module declares (and `_module.check` is on). */
export class OptionNotFoundError extends ModuleSystemError {
  override name = "OptionNotFoundError";
  /** The path of the undeclared option, e.g. `["services", "nginx", "enabel"]`. */
  readonly loc: readonly string[];
  /** Declared sibling options that are close in spelling. */
  readonly suggestions: readonly string[];
  constructor(message: string, loc: readonly string[], suggestions: readonly string[]) {
    super(message);
    this.loc = loc;
    this.suggestions = suggestions;
  }
}
