/**
 * Step 1 of merging an option: discharge `mkMerge` and `mkIf` at the top of
 * each definition (nixpkgs' `dischargeProperties`). `mkMerge` becomes several
 * definitions, `mkIf` with a false condition none. This is where conditions
 * are finally evaluated, and where `lazy()` values and getters are forced.
 *
 * Unlike nixpkgs, a priority or order wrapped around a condition
 * (`mkForce (mkIf c x)`) is also discharged, keeping the wrapper on the
 * result; nixpkgs would leave the `mkIf` inside and fail later.
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import { Lazy, forceLazy } from "../properties/lazy.js";
import { MkIf, type Condition } from "../properties/mk-if.js";
import { MkMerge } from "../properties/mk-merge.js";
import { MkOrder } from "../properties/mk-order.js";
import { MkOverride } from "../properties/mk-override.js";
import { isProperty } from "../properties/property.js";
import type { Definition } from "./definition.js";
import { DeferredDefault } from "./deferred-default.js";
import { isPlaceholder, realValueOfPlaceholder } from "../placeholder/index.js";

/** Evaluates an `mkIf` condition, which must be a boolean. */
export function evaluateCondition(condition: Condition, loc: OptionPath, file: string): boolean {
  // A placeholder condition (`mkIf(config.x, …)` in a module object built by a module function's first call) stands for the real value.
  const value = isPlaceholder(condition) ? realValueOfPlaceholder(condition) : typeof condition === "function" ? condition() : condition instanceof Lazy ? forceLazy(condition) : condition;
  if (typeof value !== "boolean") {
    throw new InvalidModuleError(`\`mkIf' called with a non-Boolean condition (${typeof value}) in a definition of \`${showOption(loc)}' in \`${file}'.`);
  }
  return value;
}

function dischargeInto(value: unknown, loc: OptionPath, file: string, out: unknown[]): void {
  const forced = forceLazy(value);
  if (forced instanceof MkMerge) {
    for (const content of forced.contents) dischargeInto(content, loc, file, out);
  } else if (forced instanceof MkIf) {
    if (evaluateCondition(forced.condition, loc, file)) dischargeInto(forced.content, loc, file, out);
  } else if (forced instanceof MkOverride && forced.content instanceof DeferredDefault) {
    out.push(forced);
  } else if (forced instanceof MkOverride || forced instanceof MkOrder) {
    const inner: unknown[] = [];
    dischargeInto(forced.content, loc, file, inner);
    for (const content of inner) out.push(forced instanceof MkOverride ? new MkOverride(forced.priority, content) : new MkOrder(forced.priority, content));
  } else {
    out.push(forced);
  }
}

/** The definitions left after discharging top-level `mkMerge`/`mkIf`/`lazy`, each keeping its file. */
export function dischargeConditions(loc: OptionPath, definitions: readonly Definition[]): Definition[] {
  const result: Definition[] = [];
  for (const definition of definitions) {
    if (!isProperty(definition.value)) {
      result.push(definition);
      continue;
    }
    const values: unknown[] = [];
    dischargeInto(definition.value, loc, definition.file, values);
    for (const value of values) result.push(value === definition.value ? definition : { file: definition.file, value });
  }
  return result;
}
