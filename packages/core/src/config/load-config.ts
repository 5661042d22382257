/**
 * Loading a user's `kiln.ts`: TypeScript in, evaluated value out.
 *
 * The first load registers Kiln's module hooks (see `ts-loader-hooks.ts`)
 * and turns on source maps, so that errors point at the user's lines. Each
 * load imports the file afresh (a query string defeats the module cache), so
 * an embedding program can reload a config after editing it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { register } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AttributeNotFoundError, ConfigEvaluationError, ConfigNotFoundError, ConfigSyntaxError, type SourceLocation } from "./config-errors.js";
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

let registeredFallbacks: Record<string, string> | undefined;
let loadCounter = 0;

/** The folder holding the nearest `package.json` above `file`. */
function packageRootOf(file: string): string {
  let directory = dirname(file);
  while (directory !== dirname(directory)) {
    if (existsSync(join(directory, "package.json"))) return directory;
    directory = dirname(directory);
  }
  return dirname(file);
}

const CORE_ENTRY = new URL("../index.js", import.meta.url).href;

function kilnRoots(): string[] {
  const urls = [CORE_ENTRY, ...Object.values(registeredFallbacks ?? {})];
  return [...new Set(urls.map((url) => packageRootOf(fileURLToPath(url))))];
}

function ensureHooks(fallbackPackages: Readonly<Record<string, string>>): void {
  const wanted = { "@kiln/core": CORE_ENTRY, ...fallbackPackages };
  if (registeredFallbacks !== undefined) {
    // Hooks can be registered once per process; later loads may only repeat the same fallbacks.
    for (const [name, url] of Object.entries(wanted)) {
      if (registeredFallbacks[name] === undefined) registeredFallbacks[name] = url;
    }
    return;
  }
  process.setSourceMapsEnabled(true);
  registeredFallbacks = { ...wanted };
  register(new URL("./ts-loader-hooks.js", import.meta.url), { data: { fallbackPackages: wanted } });
}

const SYNTAX_MARKER = /^KILN_TS_SYNTAX (.*):(\d+):(\d+): ([\s\S]*)$/;

/** Where the import that Node could not resolve is: Node names the importing file, the line is found by the specifier. */
function importLocation(message: string): SourceLocation | undefined {
  const match = /Cannot find (?:module|package) '([^']+)' imported from (.+)$/m.exec(message);
  if (match === null) return undefined;
  const [, missing = "", importer = ""] = match;
  const file = importer.startsWith("file:") ? fileURLToPath(importer) : importer;
  let lines: string[];
  try {
    lines = readFileSync(file, "utf8").split("\n");
  } catch {
    return undefined;
  }
  // Node reports the resolved path or the package name; the source has the specifier as written.
  const wanted = missing.startsWith("/") ? missing.slice(missing.lastIndexOf("/") + 1) : missing;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const quoted = [`"${wanted}`, `'${wanted}`, `/${wanted}"`, `/${wanted}'`].map((needle) => line.indexOf(needle)).find((at) => at >= 0);
    if (quoted !== undefined && /\b(?:import|from|export)\b/.test(line)) return { file, line: index + 1, column: quoted + 1 };
  }
  return { file, line: 1, column: 1 };
}

/** Turns what `import()` (or the config's own code) threw into a located config error. */
function explainImportFailure(error: unknown, file: string): KilnError {
  const message = error instanceof Error ? error.message : String(error);
  const syntax = SYNTAX_MARKER.exec(message);
  if (syntax !== null) {
    const location: SourceLocation = { file: syntax[1] as string, line: Number(syntax[2]), column: Number(syntax[3]) };
    return new ConfigSyntaxError(syntax[4] as string, location, { cause: error });
  }
  const location = userLocation(error, kilnRoots());
  if (error instanceof KilnError) return new ConfigEvaluationError(error.message, location, { cause: error });
  if ((error as { code?: unknown } | null)?.code === "ERR_MODULE_NOT_FOUND") {
    return new ConfigEvaluationError(message.replace(/ imported from .*$/s, ""), importLocation(message) ?? location ?? { file, line: 1, column: 1 }, { cause: error });
  }
  const problem = error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${message}` : `threw ${message}`;
  return new ConfigEvaluationError(problem, location, { cause: error });
}

/** Imports the TypeScript (or JavaScript) config at `file` and returns its value. */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const absolute = resolve(file);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) throw new ConfigNotFoundError(`config file '${absolute}' does not exist`);
  ensureHooks(options.fallbackPackages ?? {});
  const url = `${pathToFileURL(absolute).href}?kiln-load=${++loadCounter}`;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw explainImportFailure(error, absolute);
  }
  let value: unknown = "default" in namespace ? namespace["default"] : { ...namespace };
  try {
    if (typeof value === "function") value = await (value as () => unknown)();
    else value = await value;
  } catch (error) {
    throw explainImportFailure(error, absolute);
  }
  return { file: absolute, value };
}

/** Runs `read` on the config's value, turning what it throws into a located error (getters run user code). */
export function evaluateInConfig<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AttributeNotFoundError) throw error;
    throw explainImportFailure(error, "");
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
