/**
 * The `assertions` option collected failing checks; NixOS reports them all
 * at once rather than stopping at the first.
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown by `checkAssertions` when at least one assertion is false. */
export class AssertionsFailedError extends ModuleSystemError {
  override name = "AssertionsFailedError";
  /** The messages of the failed assertions, in definition order. */
  readonly failures: readonly string[];
  constructor(failures: readonly string[]) {
    super(`Failed assertions:\n${failures.map((message) => `- ${message}`).join("\n")}`);
    this.failures = failures;
  }
}
