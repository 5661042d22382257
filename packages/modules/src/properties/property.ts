/**
 * The union of all definition properties and a test for them.
 */
import { Lazy } from "./lazy.js";
import { MkIf } from "./mk-if.js";
import { MkMerge } from "./mk-merge.js";
import { MkOrder } from "./mk-order.js";
import { MkOverride } from "./mk-override.js";

/** Anything that wraps a definition: mkIf, mkMerge, mkOverride, mkOrder, lazy. */
export type Property<T> = MkIf<T> | MkMerge<T> | MkOverride<T> | MkOrder<T> | Lazy<T>;

/** Whether `value` is one of the definition properties. */
export function isProperty(value: unknown): value is Property<unknown> {
  return value instanceof MkIf || value instanceof MkMerge || value instanceof MkOverride || value instanceof MkOrder || value instanceof Lazy;
}
