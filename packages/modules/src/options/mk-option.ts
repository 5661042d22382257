/**
 * `mkOption`: an option declaration. It names the option's type, default,
 * documentation and flags; `evalModules` merges the declarations of all
 * modules by path.
 *
 * The declaration carries the TypeScript type of the option's value (after
 * `apply`) and of its definitions, so `ConfigOf` can derive the type of
 * `config` from a module's `options`.
 */
import type { LiteralText } from "./literal.js";
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { noteDeclarationMade } from "../placeholder/index.js";
import type { Lazy } from "../properties/lazy.js";
import type { OptionType } from "../types/option-type.js";
import type { OptionDeclaration } from "./option-declaration.js";

/** The fields of {@link mkOption}. */
export interface MkOptionSpec<Value, Definition, Applied> {
  /** The option type; determines check and merge. */
  readonly type?: OptionType<Value, Definition>;
  /** The default value (priority 1500); `lazy(() => …)` computes it when the option is merged (with `defaultText` for documentation). */
  readonly default?: NoInfer<Definition> | Lazy<NoInfer<Definition>>;
  /** Documentation text for the default: a string, or `literalExpression(…)`/`literalMD(…)`. */
  readonly defaultText?: string | LiteralText;
  /** An example for documentation: a value, or `literalExpression(…)`/`literalMD(…)`. */
  readonly example?: NoInfer<Definition> | LiteralText;
  /** Documentation. */
  readonly description?: string;
  /** At most one definition allowed. */
  readonly readOnly?: boolean;
  /** Internal option: hidden from documentation. */
  readonly internal?: boolean;
  /** Documentation visibility. */
  readonly visible?: boolean | "shallow";
  /** Transforms the merged value; `config` holds the result. */
  readonly apply?: (value: Value) => Applied;
}

/**
 * Declares an option (nixpkgs' `mkOption`).
 *
 * @example
 * mkOption({ type: types.port, default: 80, description: "Port to listen on." })
 */
export function mkOption<Value = unknown, Definition = Value, Applied = Value>(spec: MkOptionSpec<Value, Definition, Applied>): OptionDeclaration<NoInfer<Applied>, NoInfer<Definition>> {
  if (typeof spec !== "object" || spec === null) throw new InvalidModuleError("mkOption expects an object of option attributes");
  const declaration: Record<string, unknown> = { _type: "option", hasDefault: Object.prototype.hasOwnProperty.call(spec, "default") };
  for (const field of ["type", "default", "defaultText", "example", "description", "readOnly", "internal", "visible", "apply"] as const) {
    if (Object.prototype.hasOwnProperty.call(spec, field)) declaration[field] = spec[field];
  }
  // For module functions' first calls: a declaration made after a placeholder was coerced may hold a value derived from it.
  noteDeclarationMade(declaration);
  return declaration as unknown as OptionDeclaration<Applied, Definition>;
}
