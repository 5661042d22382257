/**
 * Evaluating an installable (`./kiln.ts#packages.hello`): load the config,
 * select the attribute, find the derivations. Every CLI command that reads a
 * config goes through here, and so can any program that embeds Kiln.
 */
import { setStoreDir, collectDerivations, type FoundDerivation, parseAttrPath, selectAttrPath, ConfigExportError } from "@kiln/formats";
import { evaluateInConfig, findInSources, loadConfig, parseInstallable, resolveConfigFile, type LoadConfigOptions } from "./load-config.js";

/** Options of {@link evaluateInstallable}. */
export interface EvaluateOptions extends LoadConfigOptions {
  /** The store directory to compute paths for; see `setStoreDir`. */
  readonly storeDir?: string;
  /**
   * How messages name the config instead of its file: `@kiln/pkgs` for the
   * package set a CLI ships, whose file is none of the user's business.
   */
  readonly displayName?: string;
}

/** An evaluated installable. */
export interface EvaluatedInstallable {
  /** The config file. */
  readonly file: string;
  /** The attribute path after `#`, if one was given. */
  readonly attrPath: string | undefined;
  /** The selected value. */
  readonly value: unknown;
  /** Whether the config has a default export (without one, its named exports are its value). */
  readonly exportsDefault: boolean;
}

/** Loads the config named by `installable` (`FILE.ts[#attr.path]`) and selects the attribute. */
export async function evaluateInstallable(installable: string, options: EvaluateOptions = {}): Promise<EvaluatedInstallable> {
  if (options.storeDir !== undefined) setStoreDir(options.storeDir);
  const { file: given, attrPath } = parseInstallable(installable);
  const file = resolveConfigFile(given);
  const { value: root, exportsDefault } = await loadConfig(file, options);
  const value = attrPath === undefined ? root : evaluateInConfig(() => selectAttrPath(root, attrPath, options.displayName ?? file));
  return { file, attrPath, value, exportsDefault };
}

/** What a value is, in a few words, to say why it holds no derivations. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return Array.isArray(value) ? "an empty array" : "an empty object";
    return `an object with no derivation among its attributes (${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", …" : ""})`;
  }
  if (typeof value === "function") return "a function that returned no derivations";
  const shown = typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
  return `${shown} (a ${typeof value})`;
}

/**
 * The error for an installable with nothing to build: what it holds, and
 * what a config must export. Nothing to build is a mistake (a misspelt
 * export, a forgotten `default`), not a success.
 */
function noDerivationsError(evaluated: EvaluatedInstallable): ConfigExportError {
  const fix = "a config must `export default` an object of derivations (packages), machines or homes, or a function returning one: export default { hello: derivation({ … }) }";
  const where = findInSources(/^export\s+(default)\b/m, [evaluated.file]) ?? { file: evaluated.file, line: 1, column: 1 };
  if (evaluated.attrPath !== undefined) return new ConfigExportError(`'${evaluated.attrPath}' holds no derivations: it is ${describeValue(evaluated.value)}`, where);
  if (!evaluated.exportsDefault) {
    const names = Object.keys(evaluated.value as object);
    const what = names.length === 0 ? "the config exports nothing" : `the config has no default export (only ${names.join(", ")}; select one with FILE#${names[0]})`;
    return new ConfigExportError(`${what}; ${fix}`, where);
  }
  return new ConfigExportError(`the config has no derivations: its default export is ${describeValue(evaluated.value)}; ${fix}`, where);
}

/** Every derivation in an evaluated installable, named by attribute path. */
export function findDerivations(evaluated: EvaluatedInstallable): FoundDerivation[] {
  const prefix = evaluated.attrPath === undefined ? [] : parseAttrPath(evaluated.attrPath);
  return evaluateInConfig(() => collectDerivations(evaluated.value, prefix));
}

/**
 * Evaluates `installable` and returns its derivations: what `kiln instantiate`
 * prints. An installable without any is a {@link ConfigExportError}.
 */
export async function instantiate(installable: string, options: EvaluateOptions = {}): Promise<FoundDerivation[]> {
  const evaluated = await evaluateInstallable(installable, options);
  const found = findDerivations(evaluated);
  if (found.length === 0) throw noDerivationsError(evaluated);
  return found;
}
