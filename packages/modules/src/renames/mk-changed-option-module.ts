/**
 * `mkChangedOptionModule from to change`: the old option is replaced by a
 * new one of a different type; when the old one is defined, `change config`
 * computes the new option's value, and a warning asks to update the
 * configuration.
 */
import { mkOption } from "../options/mk-option.js";
import type { Option } from "../options/option.js";
import { showFiles, showOption } from "../options/show-option.js";
import { lazy } from "../properties/lazy.js";
import { mkMerge } from "../properties/mk-merge.js";
import { getAttrFromPath, setAttrByPath } from "./do-rename.js";

/** A module mapping the old option `from` to `to` through `change`, which receives `config`. */
export function mkChangedOptionModule(from: readonly string[], to: readonly string[], change: (config: never) => unknown): (args: { readonly options: unknown; readonly config: unknown }) => object {
  return ({ options, config }) => {
    const fromOption = (): Option => getAttrFromPath(from, options) as Option;
    return {
      options: setAttrByPath(from, mkOption({ visible: false, description: `Replaced by \`${showOption(to)}'.` })),
      config: {
        warnings: lazy(() =>
          fromOption().isDefined
            ? [`The option \`${showOption(from)}' defined in ${showFiles(fromOption().files)} has been changed to \`${showOption(to)}' that has a different type. Please read \`${showOption(to)}' documentation and update your configuration accordingly.`]
            : [],
        ),
        ...setAttrByPath(
          to,
          lazy(() => (fromOption().isDefined ? change(config as never) : mkMerge([]))),
        ),
      },
    };
  };
}
