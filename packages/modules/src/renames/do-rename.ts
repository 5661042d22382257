/**
 * The machinery behind renamed and aliased options (nixpkgs' `doRename`):
 * the old path becomes an invisible option of the new option's type whose
 * definitions are forwarded to the new path with their priority, and a
 * warning says where the old name was used.
 */
import { mkOption } from "../options/mk-option.js";
import { showFiles, showOption, type OptionPath } from "../options/show-option.js";
import type { Option } from "../options/option.js";
import { lazy } from "../properties/lazy.js";
import { mkMerge } from "../properties/mk-merge.js";
import { mkOverride } from "../properties/mk-override.js";
import { mkOptionType, type AnyOptionType } from "../types/option-type.js";

/** Builds `{ a: { b: value } }` from `["a", "b"]`. */
export function setAttrByPath(path: OptionPath, value: unknown): Record<string, unknown> {
  let result: unknown = value;
  for (let index = path.length - 1; index >= 0; index--) result = { [path[index] as string]: result };
  return result as Record<string, unknown>;
}

/** Reads `path` from a nested object (the `options` or `config` tree). */
export function getAttrFromPath(path: OptionPath, root: unknown): unknown {
  let current = root;
  for (const name of path) current = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[name] : undefined;
  return current;
}

/** A type that behaves like the target option's type, looked up when first needed. */
function typeOf(to: OptionPath, options: () => unknown): AnyOptionType {
  const target = (): AnyOptionType | undefined => (getAttrFromPath(to, options()) as Option | undefined)?.type;
  return mkOptionType({
    name: "renamed",
    description: `same type as \`${showOption(to)}'`,
    check: (value) => target()?.check(value) ?? true,
    merge: (loc, definitions) => {
      const type = target();
      return type === undefined ? definitions[definitions.length - 1]?.value : type.merge(loc, definitions);
    },
  });
}

/** The fields of {@link doRename}. */
export interface RenameSpec {
  /** The old path. */
  readonly from: OptionPath;
  /** The new path. */
  readonly to: OptionPath;
  /** Whether the old option shows in documentation. */
  readonly visible: boolean;
  /** Whether using the old name adds a warning. */
  readonly warn: boolean;
  /** Called when the old option is read (nixpkgs' `use`): `mkRenamedOptionModule` traces "Obsolete option … is used". */
  readonly use?: () => void;
}

/** A module forwarding definitions of `from` to `to` (see the file comment). */
export function doRename(spec: RenameSpec): (args: { readonly options: unknown }) => object {
  return ({ options }) => {
    const fromOption = (): Option => getAttrFromPath(spec.from, options) as Option;
    const toOption = (): Option => getAttrFromPath(spec.to, options) as Option;
    return {
      options: setAttrByPath(
        spec.from,
        mkOption({
          type: typeOf(spec.to, () => options),
          visible: spec.visible,
          description: `Alias of \`${showOption(spec.to)}\`.`,
          apply: () => {
            spec.use?.();
            return toOption().value;
          },
        }),
      ),
      // A getter: whether `warnings` exists is only known once all options are declared.
      get config() {
        const hasWarnings = typeof options === "object" && options !== null && "warnings" in options;
        return {
          ...(hasWarnings
            ? {
                warnings: lazy(() =>
                  spec.warn && fromOption().isDefined ? [`The option \`${showOption(spec.from)}' defined in ${showFiles(fromOption().files)} has been renamed to \`${showOption(spec.to)}'.`] : [],
                ),
              }
            : {}),
          ...setAttrByPath(
            spec.to,
            lazy(() => {
              const option = fromOption();
              if (!option.isDefined) return mkMerge([]);
              return mkMerge(option.definitions.map((value) => mkOverride(option.highestPrio, value)));
            }),
          ),
        };
      },
    };
  };
}
