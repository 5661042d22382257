/**
 * The module every evaluation includes (nixpkgs' `internalModule`): it
 * declares `_module.args`, `_module.check` and `_module.freeformType`, and,
 * at the top level, NixOS's `assertions` and `warnings` options.
 */
import { mkOption } from "../options/mk-option.js";
import { listOf } from "../types/list-types.js";
import { lazyAttrsOf } from "../types/attrs-types.js";
import { nullOr } from "../types/composite-types.js";
import { optionType } from "../types/option-type-type.js";
import { bool, raw, unspecified } from "../types/primitive-types.js";
import { str } from "../types/string-types.js";

/** The file name shown for definitions made by the module system itself. */
export const INTERNAL_MODULE_FILE = "@kiln/modules (internal)";

const made: { topLevel?: object; nested?: object } = {};

/** The internal module (one object, shared by all evaluations: nothing in it changes); `topLevel` adds `assertions` and `warnings`. */
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
      ...(topLevel
        ? {
            assertions: mkOption({
              type: listOf(unspecified),
              internal: true,
              default: [],
              description: "Conditions that must hold, as `{ assertion, message }`; `checkAssertions` reports every failing one.",
            }),
            warnings: mkOption({ type: listOf(str), internal: true, default: [], description: "Messages to show the user." }),
          }
        : {}),
    },
    config: { _module: { args: {} } },
  };
}
