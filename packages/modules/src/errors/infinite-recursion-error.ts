/**
 * An option whose value depends on itself. Nix reports a bare "infinite
 * recursion encountered"; we also name the chain of option paths that led
 * back to the start, which is what one needs to break the cycle.
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown when evaluating an option requires its own value. */
export class InfiniteRecursionError extends ModuleSystemError {
  override name = "InfiniteRecursionError";
  /** The option paths (shown with dots) from the first visit to the repeated one. */
  readonly chain: readonly string[];
  constructor(message: string, chain: readonly string[]) {
    super(message);
    this.chain = chain;
  }
}
