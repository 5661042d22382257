/**
 * Option documentation as data (NixOS's `options.json`): one entry per
 * visible, non-internal option, keyed by its dotted path, including the
 * options inside submodules (`users.users.<name>.home`).
 */
import { Option } from "../options/option.js";
import { isLiteralText } from "../options/literal.js";
import { prettyValue } from "../options/pretty-value.js";
import { showOption } from "../options/show-option.js";

/** The documentation of one option. */
export interface OptionDocumentation {
  /** The path as a list. */
  readonly loc: readonly string[];
  /** The type's description. */
  readonly type: string;
  /** The option's description. */
  readonly description: string;
  /** The default, rendered (or `defaultText`). */
  readonly default?: string;
  /** The example, rendered. */
  readonly example?: string;
  /** Files declaring the option. */
  readonly declarations: readonly string[];
  /** Whether the option is read-only. */
  readonly readOnly: boolean;
}

function render(value: unknown): string {
  if (isLiteralText(value)) return value.text;
  return prettyValue(value).join("\n");
}

function describe(option: Option, into: Record<string, OptionDocumentation>): void {
  if (option.internal || option.visible === false) return;
  const entry: OptionDocumentation = {
    loc: option.loc,
    type: option.type.description,
    description: option.description ?? "",
    ...(option.hasDefault || option.defaultText !== undefined ? { default: option.defaultText ?? render(option.default) } : {}),
    ...(option.example === undefined ? {} : { example: render(option.example) }),
    declarations: option.declarations,
    readOnly: option.readOnly,
  };
  into[showOption(option.loc)] = entry;
  if (option.visible === "shallow") return;
  // The submodule's options are declared where the option is (nixpkgs' `setDefaultModuleLocation`).
  const subOptions = option.type.getSubOptions?.(option.loc, option.declarations[0]);
  if (subOptions !== undefined) collect(subOptions, into);
}

function collect(tree: unknown, into: Record<string, OptionDocumentation>): void {
  if (typeof tree !== "object" || tree === null) return;
  for (const name of Object.keys(tree)) {
    if (name === "_module") continue;
    const value = (tree as Record<string, unknown>)[name];
    if (value instanceof Option) describe(value, into);
    else collect(value, into);
  }
}

/** Documentation entries for every visible option of an `options` tree, sorted by path. */
export function optionsToJson(options: unknown): Record<string, OptionDocumentation> {
  const entries: Record<string, OptionDocumentation> = {};
  collect(options, entries);
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
}
