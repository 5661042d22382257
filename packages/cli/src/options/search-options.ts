/**
 * `searchOptions`: find options of an evaluated configuration by name and
 * description, with what a person wants to know about each: type, default,
 * current value, and where it is declared and defined. The library side of
 * `kiln options`.
 */
import { isDerivation } from "@kiln/core";
import { evalModules, Option, optionsToJson, showOption, type OptionDocumentation } from "@kiln/modules";

/** One option found by {@link searchOptions}. */
export interface OptionMatch {
  /** The dotted path, e.g. `services.nginx.enable` (`<name>` inside attribute sets of submodules). */
  readonly name: string;
  readonly description: string;
  /** The type's description, e.g. `boolean`. */
  readonly type: string;
  /** The default, rendered, if there is one. */
  readonly default?: string;
  readonly readOnly: boolean;
  /** Files declaring the option. */
  readonly declarations: readonly string[];
  /** The current value, rendered; absent for options inside submodules (`<name>`). */
  readonly value?: string;
  /** Why the value could not be computed (an undefined option, a failed check). */
  readonly valueError?: string;
  /** Files whose definitions count, with each definition rendered. */
  readonly definitions: readonly { readonly file: string; readonly value: string }[];
}

/** What `kiln options` can look into: an `evalModules` result, or modules to evaluate. */
export interface EvaluatedOptions {
  readonly options: Readonly<Record<string, unknown>>;
}

/** An `evalModules` result as it is, or the value (a module or a list of modules) evaluated. */
export function asEvaluatedOptions(value: unknown): EvaluatedOptions {
  if (typeof value === "object" && value !== null && "options" in value && "config" in value && typeof (value as { extendModules?: unknown }).extendModules === "function") {
    return value as EvaluatedOptions;
  }
  return evalModules({ modules: Array.isArray(value) ? value : [value] });
}

/** Renders a value for people: JSON, with derivations as `«derivation /…drv»` and functions as `«function»`. */
export function renderOptionValue(value: unknown): string {
  const seen = new Set<unknown>();
  const replace = (_key: string, item: unknown): unknown => {
    if (isDerivation(item)) return `«derivation ${item.drvPath}»`;
    if (typeof item === "function") return "«function»";
    if (typeof item === "bigint") return item.toString();
    if (typeof item === "object" && item !== null) {
      if (seen.has(item)) return "«repeated»";
      seen.add(item);
    }
    return item;
  };
  return JSON.stringify(value, replace, 2) ?? String(value);
}

function optionsByName(tree: unknown, into: Map<string, Option>): void {
  if (typeof tree !== "object" || tree === null) return;
  for (const name of Object.keys(tree)) {
    if (name === "_module") continue;
    const value = (tree as Record<string, unknown>)[name];
    if (value instanceof Option) into.set(showOption(value.loc), value);
    else optionsByName(value, into);
  }
}

function matches(name: string, documentation: OptionDocumentation, words: readonly string[]): boolean {
  const haystack = `${name}\n${documentation.description}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * The options whose name or description contains every word of `query`
 * (case-insensitive), sorted by name; all visible options without a query.
 */
export function searchOptions(evaluated: EvaluatedOptions, query = ""): OptionMatch[] {
  const documentation = optionsToJson(evaluated.options);
  const options = new Map<string, Option>();
  optionsByName(evaluated.options, options);
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== "");
  const found: OptionMatch[] = [];
  for (const [name, entry] of Object.entries(documentation)) {
    if (!matches(name, entry, words)) continue;
    const option = options.get(name);
    let value: string | undefined;
    let valueError: string | undefined;
    let definitions: { file: string; value: string }[] = [];
    if (option !== undefined) {
      try {
        value = renderOptionValue(option.value);
        definitions = option.definitionsWithLocations.map((definition) => ({ file: definition.file, value: renderOptionValue(definition.value) }));
      } catch (error) {
        valueError = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      }
    }
    found.push({
      name,
      description: entry.description,
      type: entry.type,
      ...(entry.default !== undefined ? { default: entry.default } : {}),
      readOnly: entry.readOnly,
      declarations: entry.declarations,
      ...(value !== undefined ? { value } : {}),
      ...(valueError !== undefined ? { valueError } : {}),
      definitions,
    });
  }
  return found.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

/** The text `kiln options` prints for one option. */
export function formatOptionMatch(match: OptionMatch): string {
  const indent = (text: string): string => text.split("\n").join("\n    ");
  const lines = [match.name];
  if (match.description !== "") lines.push(`  ${indent(match.description)}`);
  lines.push(`  type: ${match.type}${match.readOnly ? " (read-only)" : ""}`);
  if (match.default !== undefined) lines.push(`  default: ${indent(match.default)}`);
  if (match.value !== undefined) lines.push(`  value: ${indent(match.value)}`);
  if (match.valueError !== undefined) lines.push(`  value: (${match.valueError})`);
  lines.push(`  declared in: ${match.declarations.join(", ")}`);
  if (match.definitions.length > 0) lines.push(`  defined in: ${[...new Set(match.definitions.map((definition) => definition.file))].join(", ")}`);
  return lines.join("\n");
}
