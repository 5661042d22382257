/**
 * Finds the derivations in an evaluated config value.
 *
 * Like `nix-instantiate` on an attribute set, with one difference suited to
 * TypeScript: objects and arrays are searched at any depth (Nix needs
 * `recurseForDerivations`). A derivation is not searched inside.
 */
import { isDerivation, type Derivation } from "../derivation/derivation.js";
import { formatAttrPath } from "../evaluation/attr-path.js";

/** A derivation and the attribute path where it was found. */
export interface FoundDerivation {
  readonly attrPath: string;
  readonly derivation: Derivation;
}

/** Every derivation reachable from `value`, in attribute order, each once. */
export function collectDerivations(value: unknown, rootPath: readonly string[] = []): FoundDerivation[] {
  const found: FoundDerivation[] = [];
  const seenObjects = new Set<object>();
  const seenDrvPaths = new Set<string>();
  const visit = (current: unknown, path: readonly string[]): void => {
    if (typeof current !== "object" || current === null) return;
    if (isDerivation(current)) {
      if (!seenDrvPaths.has(current.drvPath)) {
        seenDrvPaths.add(current.drvPath);
        found.push({ attrPath: formatAttrPath(path), derivation: current });
      }
      return;
    }
    if (seenObjects.has(current)) return;
    seenObjects.add(current);
    if (Array.isArray(current)) {
      current.forEach((element, index) => visit(element, [...path, String(index)]));
      return;
    }
    const prototype = Object.getPrototypeOf(current) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return;
    for (const key of Object.keys(current)) visit((current as Record<string, unknown>)[key], [...path, key]);
  };
  visit(value, rootPath);
  return found;
}

/** The `.drv` closure of `roots`: each root and every derivation it depends on, dependencies first. */
export function derivationClosure(roots: readonly Derivation[], lookup: (drvPath: string) => Derivation | undefined): Derivation[] {
  const ordered: Derivation[] = [];
  const done = new Set<string>();
  const stack: { derivation: Derivation; expanded: boolean }[] = roots.map((derivation) => ({ derivation, expanded: false })).reverse();
  while (stack.length > 0) {
    const frame = stack.pop() as { derivation: Derivation; expanded: boolean };
    const { derivation } = frame;
    if (done.has(derivation.drvPath)) continue;
    if (frame.expanded) {
      done.add(derivation.drvPath);
      ordered.push(derivation);
      continue;
    }
    stack.push({ derivation, expanded: true });
    for (const input of [...derivation.drv.inputDrvs.keys()].reverse()) {
      const inputDerivation = lookup(input);
      if (inputDerivation !== undefined && !done.has(input)) stack.push({ derivation: inputDerivation, expanded: false });
    }
  }
  return ordered;
}
