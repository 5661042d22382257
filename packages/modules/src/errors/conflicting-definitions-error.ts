/**
 * Several definitions at the same priority that a type cannot combine:
 * different values for a `str`/`bool`/`int` option, or more than one value
 * for a unique option.
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown when definitions conflict and the type cannot merge them. */
export class ConflictingDefinitionsError extends ModuleSystemError {
  override name = "ConflictingDefinitionsError";
  /** The option's path. */
  readonly loc: readonly string[];
  constructor(message: string, loc: readonly string[]) {
    super(message);
    this.loc = loc;
  }
}
