/**
 * A definition whose value fails its option type's `check`: NixOS's
 * "A definition for option `x' is not of type `…'".
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown when a definition does not pass the option type's check. */
export class TypeMismatchError extends ModuleSystemError {
  override name = "TypeMismatchError";
  /** The option's path. */
  readonly loc: readonly string[];
  constructor(message: string, loc: readonly string[]) {
    super(message);
    this.loc = loc;
  }
}
