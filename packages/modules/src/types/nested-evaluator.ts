/**
 * The evaluator that submodule types use for their nested evaluations
 * (nixpkgs' `submoduleWith` calls `evalModules` on the option's
 * definitions).
 *
 * Types sit below the evaluator, which builds option trees out of them, so
 * they cannot import it: the evaluator is handed to them here, once, where
 * the module system is assembled (`lib.ts`). A submodule is only merged
 * inside an evaluation, so it is always there when needed.
 */
import type { OptionPath } from "../options/show-option.js";

/** What a submodule asks of a nested evaluation. */
export interface NestedEvaluationSpec {
  /** The submodule's modules, then one per definition. */
  readonly modules: readonly unknown[];
  /** `specialArgs` of the nested evaluation. */
  readonly specialArgs: Readonly<Record<string, unknown>>;
  /** Module arguments from the enclosing evaluation (the submodule's `name`). */
  readonly moduleArguments: Readonly<Record<string, unknown>>;
  /** The option's path: the nested evaluation's root. */
  readonly prefix: OptionPath;
  /** File reported for modules without a known location. */
  readonly fallbackFile: string;
  /** The class of modules accepted (nixpkgs' `class`). */
  readonly moduleClass: string | undefined;
}

/** A nested evaluation, as the submodule reads it. */
export interface NestedEvaluation {
  /** The lazy configuration, checked for undeclared definitions when read. */
  readonly checkedConfig: unknown;
  /** The option tree. */
  readonly options: unknown;
}

/** Evaluates a submodule's modules. */
export type NestedEvaluator = (spec: NestedEvaluationSpec) => NestedEvaluation;

let provided: NestedEvaluator | undefined;

/** Hands the evaluator to the submodule types; called once, where the module system is assembled. */
export function provideNestedEvaluator(evaluator: NestedEvaluator): void {
  if (provided !== undefined) throw new Error("internal error: the nested module evaluator was provided twice");
  provided = evaluator;
}

/** The evaluator for a submodule's modules. */
export function nestedEvaluator(): NestedEvaluator {
  if (provided === undefined) throw new Error("internal error: a submodule was evaluated before the module system was assembled (import the module system through its package index)");
  return provided;
}
