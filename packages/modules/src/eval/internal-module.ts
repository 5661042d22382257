/**
 * The module every evaluation includes (nixpkgs' `internalModule`): it
 * declares `_module.args`, `_module.check` and `_module.freeformType`.
 * Like nixpkgs, it declares no `assertions` or `warnings`: those come from
 * `assertionsModule`, which machine and home evaluations include.
 */
import { mkOption } from "../options/mk-option.js";
import { lazyAttrsOf } from "../types/attrs-types.js";
import { nullOr } from "../types/composite-types.js";
import { optionType } from "../types/option-type-type.js";
import { bool, raw } from "../types/primitive-types.js";

/** The file name shown for definitions made by the module system itself. */
export const INTERNAL_MODULE_FILE = "@kiln/modules (internal)";

const made: { topLevel?: object; nested?: object } = {};

/** The internal module (one object, shared by all evaluations: nothing in it changes); `topLevel` documents `_module.args`. */
export function internalModule(topLevel: boolean): object {
  return topLevel ? (made.topLevel ??= makeInternalModule(true)) : (made.nested ??= makeInternalModule(false));
}

function makeInternalModule(topLevel: boolean): object {
  return {
    _file: INTERNAL_MODULE_FILE,
    options: {
      _module: {
        args: mkOption({
          type: lazyAttrsOf(raw),
          internal: !topLevel,
          description: "Additional arguments passed to each module in addition to `config`, `options`, `lib` and `specialArgs`. Values are only evaluated when a module asks for them.",
        }),
        check: mkOption({ type: bool, internal: true, default: true, description: "Whether to check whether all option definitions have matching declarations." }),
        freeformType: mkOption({
          type: nullOr(optionType),
          internal: true,
          default: null,
          description: "If set, merge all definitions that don't have an associated option together using this type, and add the result to `config`.",
        }),
      },
    },
    config: { _module: { args: {} } },
  };
}
