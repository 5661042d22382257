/**
 * The value of an option removed with `mkRemovedOptionModule` was read.
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown when a removed option's value is used. */
export class RemovedOptionError extends ModuleSystemError {
  override name = "RemovedOptionError";
}
