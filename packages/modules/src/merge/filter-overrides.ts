/**
 * Step 2: keep only the definitions with the best priority (nixpkgs'
 * `filterOverrides`). Plain definitions have priority 100, `mkDefault` 1000,
 * an option default 1500, `mkForce` 50; the lowest number wins and the
 * `mkOverride` wrappers are removed.
 */
import { DEFAULT_OVERRIDE_PRIORITY, MkOverride } from "../properties/mk-override.js";
import type { Definition } from "./definition.js";
import { readDeferredDefault } from "./deferred-default.js";

/** The winning definitions and their priority. */
export interface FilteredDefinitions {
  /** The definitions at the highest priority, unwrapped. */
  readonly values: Definition[];
  /** That priority (the lowest number seen); 100 when there were no definitions. */
  readonly highestPriority: number;
}

function priorityOf(value: unknown): number {
  return value instanceof MkOverride ? value.priority : DEFAULT_OVERRIDE_PRIORITY;
}

/** Keeps the highest-priority definitions and strips their `mkOverride`. */
export function filterOverrides(definitions: readonly Definition[]): FilteredDefinitions {
  let highestPriority = Number.POSITIVE_INFINITY;
  for (const definition of definitions) highestPriority = Math.min(highestPriority, priorityOf(definition.value));
  const values: Definition[] = [];
  for (const definition of definitions) {
    if (priorityOf(definition.value) !== highestPriority) continue;
    values.push(definition.value instanceof MkOverride ? { file: definition.file, value: readDeferredDefault(definition.value.content) } : definition);
  }
  return { values, highestPriority: definitions.length === 0 ? DEFAULT_OVERRIDE_PRIORITY : highestPriority };
}
