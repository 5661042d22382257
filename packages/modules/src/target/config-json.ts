/**
 * `config.json` of a toplevel: the evaluated configuration as JSON, for
 * people and tools to inspect what a generation was made from (`kiln diff`,
 * `jq`).
 *
 * It is read option by option from the `options` tree: derivations become
 * their output paths, but without their string context, so that the file
 * does not make the toplevel depend on packages nothing uses (the default
 * of a disabled program's `package` option, say); what the machine does use
 * is a reference of the toplevel through the manifest anyway. Functions
 * are left out, and so are options without a value
 * (declared without a default and never defined) and package options whose
 * default package the set lacks ({@link MissingPackageError}): nothing read
 * them, so the machine does not need them. `system.build` (which holds the
 * toplevel itself) and `_module` are left out.
 */
import { isDerivation, unsafeDiscardStringContext } from "@kiln/formats";
import { OptionNotDefinedError } from "../errors/option-not-defined-error.js";
import { Option } from "../options/option.js";
import { MissingPackageError } from "./missing-package-error.js";

const LEFT_OUT: ReadonlySet<string> = new Set(["_module", "system.build"]);

/** `read()` as JSON data, or `undefined` for a value the machine cannot have needed (see the file comment). */
function readData(read: () => unknown): unknown {
  try {
    return jsonValue(read());
  } catch (error) {
    if (error instanceof MissingPackageError || error instanceof OptionNotDefinedError) return undefined;
    throw error;
  }
}

/** A value as JSON data: derivations (and their outputs) as paths, functions dropped. */
export function jsonValue(value: unknown): unknown {
  if (typeof value === "string") return unsafeDiscardStringContext(value);
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object") return undefined;
  const kind = (value as { type?: unknown }).type;
  if (isDerivation(value) || kind === "derivation" || kind === "derivation-output") return unsafeDiscardStringContext(String(value));
  if (Array.isArray(value)) return value.map(jsonValue).filter((item) => item !== undefined);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // A submodule's config is read option by option, like the top level.
    const item = readData(() => (value as Record<string, unknown>)[key]);
    if (item !== undefined) result[key] = item;
  }
  return result;
}

/** The configuration below an `options` tree node, as JSON data. */
export function configData(options: Readonly<Record<string, unknown>>, path: readonly string[] = []): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const name of Object.keys(options)) {
    const childPath = [...path, name];
    if (LEFT_OUT.has(childPath.join("."))) continue;
    const node = options[name];
    const value = node instanceof Option ? readData(() => node.value) : typeof node === "object" && node !== null ? configData(node as Readonly<Record<string, unknown>>, childPath) : undefined;
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/** The text of `config.json`. */
export function configJson(options: Readonly<Record<string, unknown>>): string {
  return `${JSON.stringify(configData(options), null, 2)}\n`;
}
