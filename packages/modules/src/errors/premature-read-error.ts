/**
 * Module functions are first called with a placeholder `config`, so their
 * reads never see a half-collected configuration. A function whose first
 * call throws (say `new URL(config.url)`) is "opaque": it is called once,
 * for real, after the other modules are collected, and its reads are
 * answered from the modules known then. We verify every such early read once
 * all modules are known, and report the ones that would have seen a
 * different configuration rather than silently use a wrong value.
 */
import { InfiniteRecursionError } from "./infinite-recursion-error.js";

/** Thrown when an opaque module function read an option before the modules declaring or defining it were known. */
export class PrematureReadError extends InfiniteRecursionError {
  override name = "PrematureReadError";
}
