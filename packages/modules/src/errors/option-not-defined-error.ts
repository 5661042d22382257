/**
 * An option that was read but has neither a definition nor a default:
 * NixOS's "was accessed but has no value defined".
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown when an option without definitions or default is read. */
export class OptionNotDefinedError extends ModuleSystemError {
  override name = "OptionNotDefinedError";
  /** The option's path. */
  readonly loc: readonly string[];
  constructor(message: string, loc: readonly string[]) {
    super(message);
    this.loc = loc;
  }
}
