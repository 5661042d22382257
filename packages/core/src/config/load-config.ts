/**
 * Loading a user's `kiln.ts`: TypeScript in, evaluated value out.
 *
 * The config and its local imports are bundled into one module (see
 * `config-bundle.ts`), which is imported with source maps on, so that
 * errors point at the user's lines. Each load imports the module afresh (a
 * query string defeats the module cache), so an embedding program can
 * reload a config after editing it.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AttributeNotFoundError, ConfigError, ConfigEvaluationError, ConfigNotFoundError } from "./config-errors.js";
import { configBundle } from "./config-bundle.js";
import { registerConfigBundle } from "./bundle-source-maps.js";
import { userLocation } from "./source-location.js";
import { KilnError } from "../errors.js";

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Packages a config may import without installing them, by name, as URLs
   * of their entry modules. `@kiln/core` is always included; the CLI adds
   * `@kiln/modules` and `@kiln/pkgs`.
   */
  readonly fallbackPackages?: Readonly<Record<string, string>>;
}

/** A loaded config. */
export interface LoadedConfig {
  /** The absolute path of the config file. */
  readonly file: string;
  /** Its default export (awaited, and called if it is a function), or its namespace if it has none. */
  readonly value: unknown;
}

const CORE_ENTRY = new URL("../index.js", import.meta.url).href;
let loadCounter = 0;

/** Turns what `import()` (or the config's own code) threw into a located config error. */
function explainImportFailure(error: unknown): KilnError {
  if (error instanceof ConfigError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const location = userLocation(error);
  if (error instanceof KilnError) return new ConfigEvaluationError(error.message, location, { cause: error });
  if ((error as { code?: unknown } | null)?.code === "ERR_MODULE_NOT_FOUND") {
    return new ConfigEvaluationError(message.replace(/ imported from .*$/s, ""), location, { cause: error });
  }
  const problem = error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${message}` : `threw ${message}`;
  return new ConfigEvaluationError(problem, location, { cause: error });
}

/** Imports the TypeScript (or JavaScript) config at `file` and returns its value. */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const absolute = resolve(file);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) throw new ConfigNotFoundError(`config file '${absolute}' does not exist`);
  const fallbackPackages = { "@kiln/core": CORE_ENTRY, ...options.fallbackPackages };
  const bundle = await configBundle(absolute, { fallbackPackages });
  registerConfigBundle(bundle);
  process.setSourceMapsEnabled(true);
  const url = `${pathToFileURL(bundle).href}?kiln-load=${++loadCounter}`;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw explainImportFailure(error);
  }
  let value: unknown = "default" in namespace ? namespace["default"] : { ...namespace };
  try {
    if (typeof value === "function") value = await (value as () => unknown)();
    else value = await value;
  } catch (error) {
    throw explainImportFailure(error);
  }
  return { file: absolute, value };
}

/** Runs `read` on the config's value, turning what it throws into a located error (getters run user code). */
export function evaluateInConfig<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AttributeNotFoundError) throw error;
    throw explainImportFailure(error);
  }
}

/** Splits `file.ts#a.b` into the file and the attribute path. */
export function parseInstallable(reference: string): { file: string; attrPath: string | undefined } {
  const hash = reference.indexOf("#");
  if (hash < 0) return { file: reference, attrPath: undefined };
  return { file: reference.slice(0, hash) || ".", attrPath: reference.slice(hash + 1) };
}

/** The config file a reference means: a directory means its `kiln.ts`. */
export function resolveConfigFile(file: string): string {
  const absolute = resolve(file);
  if (existsSync(absolute) && statSync(absolute).isDirectory()) return join(absolute, "kiln.ts");
  return absolute;
}
