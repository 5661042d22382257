/**
 * `mkIf condition content`: a definition that only counts when `condition`
 * holds.
 *
 * Unlike `if … then … else {}`, the condition is not needed to know *which*
 * options the content defines: `mkIf` is pushed down to each leaf and only
 * discharged when that option is merged. In JavaScript the condition
 * expression runs when `mkIf` is called; `mkIf(config.services.foo.enable,
 * { … })` in a module function still works, because the module system learns
 * the module's structure from a call with a placeholder `config` and takes
 * the real condition from a second call (see `eval/module-calls.ts`). A
 * condition may also be a function (`mkIf(() => cfg.enable, …)`) or
 * `lazy(…)`, which defers the read to merge time, as in a module object or
 * where a module's body would otherwise need its own definitions.
 */
import type { Lazy } from "./lazy.js";

/** A condition for {@link mkIf}: a boolean, or a function / lazy value producing one at merge time. */
export type Condition = boolean | (() => boolean) | Lazy<boolean>;

/** A conditional definition. Created by {@link mkIf}. */
export class MkIf<out T> {
  /** Nix's `_type = "if"`. */
  readonly _type = "if" as const;
  /** When the definition counts. */
  readonly condition: Condition;
  /** The definition itself. */
  readonly content: T;
  /** Prefer {@link mkIf}. */
  constructor(condition: Condition, content: T) {
    this.condition = condition;
    this.content = content;
  }
}

/**
 * A definition that applies only if `condition` is true.
 *
 * `content`'s type is checked where the `mkIf` is used: a wrong value type,
 * or an object none of whose attributes are options there, is a compile
 * error.
 */
export function mkIf<T>(condition: Condition, content: T): MkIf<T> {
  return new MkIf<T>(condition, content);
}
