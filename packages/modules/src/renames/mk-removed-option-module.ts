/**
 * `mkRemovedOptionModule path instructions`: the option no longer exists.
 * Defining it fails an assertion ("The option definition `x' in `file' no
 * longer has any effect; please remove it.\n<instructions>\n", with
 * nixpkgs' final newline); reading it throws.
 */
import { RemovedOptionError } from "../errors/removed-option-error.js";
import { mkOption } from "../options/mk-option.js";
import type { Option } from "../options/option.js";
import { showFiles, showOption } from "../options/show-option.js";
import { lazy } from "../properties/lazy.js";
import { getAttrFromPath, setAttrByPath } from "./do-rename.js";

/** A module reporting uses of the removed option at `path`; `instructions` say what to do instead. */
export function mkRemovedOptionModule(path: readonly string[], instructions: string): (args: { readonly options: unknown }) => object {
  return ({ options }) => ({
    options: setAttrByPath(
      path,
      mkOption({
        visible: false,
        apply: () => {
          throw new RemovedOptionError(`The option \`${showOption(path)}' can no longer be used since it's been removed. ${instructions}`);
        },
      }),
    ),
    config: {
      assertions: lazy(() => {
        const option = getAttrFromPath(path, options) as Option;
        return [
          {
            assertion: !option.isDefined,
            message: `The option definition \`${showOption(path)}' in ${showFiles(option.files)} no longer has any effect; please remove it.\n${instructions}\n`,
          },
        ];
      }),
    },
  });
}
