/**
 * Step 3: sort definitions by `mkOrder` priority (nixpkgs'
 * `sortProperties`), stably, so `mkBefore` (500) comes before plain
 * definitions (1000) and `mkAfter` (1500) after; then strip the wrappers.
 */
import { DEFAULT_ORDER_PRIORITY, MkOrder } from "../properties/mk-order.js";
import type { Definition } from "./definition.js";

function orderOf(value: unknown): number {
  return value instanceof MkOrder ? value.priority : DEFAULT_ORDER_PRIORITY;
}

/** Definitions stably sorted by order priority, `mkOrder` removed. */
export function sortByOrder(definitions: Definition[]): Definition[] {
  if (!definitions.some((definition) => definition.value instanceof MkOrder)) return definitions;
  return definitions
    .map((definition, index) => ({ definition, index, order: orderOf(definition.value) }))
    .sort((a, b) => a.order - b.order || a.index - b.index)
    .map(({ definition }) => (definition.value instanceof MkOrder ? { file: definition.file, value: definition.value.content } : definition));
}
