/**
 * A `mkAssert` whose assertion is false (nixpkgs' `mkAssert` throws
 * "Failed assertion: <message>" when the definition is merged).
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown when the option holding a failing `mkAssert` definition is merged. */
export class AssertionFailedError extends ModuleSystemError {
  override name = "AssertionFailedError";
  /** The assertion's message as given to `mkAssert`. */
  readonly assertionMessage: string;
  constructor(message: string) {
    super(`Failed assertion: ${message}`);
    this.assertionMessage = message;
  }
}
