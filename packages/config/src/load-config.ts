/**
 * Loading a user's `kiln.ts`: TypeScript in, evaluated value out.
 *
 * The config and its local imports are bundled into one module (see
 * `config-bundle.ts`), which is imported with source maps on, so that
 * errors point at the user's lines. Each load imports the module afresh (a
 * query string defeats the module cache), so an embedding program can
 * reload a config after editing it.
 *
 * What Node would let slip by is refused while a config is evaluated, each
 * with the user's file and line: `process.exit()` (which would end Kiln
 * silently), a promise that can never settle (Node would exit with code 13
 * and say nothing), and values thrown that are not errors (no stack).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AttributeNotFoundError, ConfigError, ConfigEvaluationError, ConfigExitError, ConfigMissingExportError, ConfigNotFoundError, ConfigUnsettledError, type SourceLocation, noteEvaluationRead, configSourceFiles, registerConfigBundle, userLocation, KilnError, closeNames } from "@kiln/formats";
import { configBundle, type ConfigBundle } from "./config-bundle.js";
import { awaitEvaluation, configureEvaluation, duringEvaluation, onEvaluationStop, type EvaluationLimits } from "./evaluation-watchdog.js";

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Packages a config may import without installing them, by name, as URLs
   * of their entry modules, besides those offered with `offerToConfigs`
   * (`@kiln/core` offers itself); the CLI adds its own `@kiln/*` packages.
   */
  readonly fallbackPackages?: Readonly<Record<string, string>>;
  /** Limits on evaluating the config (timeout, memory, progress spinner). */
  readonly limits?: EvaluationLimits;
}

/** A loaded config. */
export interface LoadedConfig {
  /** The absolute path of the config file. */
  readonly file: string;
  /** Its default export (awaited, and called if it is a function), or its namespace if it has none. */
  readonly value: unknown;
  /** Whether the config has a default export (else {@link value} is its namespace). */
  readonly exportsDefault: boolean;
}

/** Packages every config may import without installing them, by name: the URL of the entry module. */
const offeredPackages: Record<string, string> = {};

/**
 * Offers the package `name` (its entry module at the URL `entry`) to every
 * config loaded, which may then import it without installing it. `@kiln/core`
 * offers itself so, being above this package: this package does not name it.
 */
export function offerToConfigs(name: string, entry: string): void {
  offeredPackages[name] = entry;
}

let loadCounter = 0;

/** The first place in the user's files (the first group of `pattern` if it has one) (`files`, else every config source loaded) where `pattern` matches, as a location. */
export function findInSources(pattern: RegExp, files: readonly string[] = configSourceFiles()): SourceLocation | undefined {
  const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    global.lastIndex = 0;
    const match = global.exec(text);
    if (match === null) continue;
    const offset = match.index + (match[1] !== undefined ? match[0].indexOf(match[1]) : 0);
    const before = text.slice(0, offset).split("\n");
    return { file, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Where the user wrote `throw VALUE` for a thrown value that is not an Error (it carries no stack to say). */
function throwLocation(value: unknown): SourceLocation | undefined {
  const spellings =
    typeof value === "string" ? [JSON.stringify(value), `'${value.replace(/'/g, "\\'")}'`, `\`${value}\``] : [String(value)];
  return findInSources(new RegExp(`\\bthrow\\s+(?:${spellings.map(escapeRegExp).join("|")})(?![\\w$])`));
}

/** How to show a thrown value that is not an Error. */
function describeThrown(value: unknown): string {
  const shown = typeof value === "string" ? JSON.stringify(value) : typeof value === "object" && value !== null ? "an object" : String(value);
  return `threw ${shown}, which is not an Error and so says nothing of where: throw new Error(…) instead`;
}

/**
 * Turns what a config's code threw (while it was imported, when a getter ran,
 * or later from a timer) into a config error naming the user's file and line.
 */
export function explainConfigFailure(error: unknown): KilnError {
  if (error instanceof ConfigError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const location = userLocation(error);
  if (error instanceof KilnError) return new ConfigEvaluationError(error.message, location, { cause: error });
  if ((error as { code?: unknown } | null)?.code === "ERR_MODULE_NOT_FOUND") {
    return new ConfigEvaluationError(message.replace(/ imported from .*$/s, ""), location, { cause: error });
  }
  if (!(error instanceof Error)) return new ConfigEvaluationError(describeThrown(error), throwLocation(error), { cause: error });
  const dynamicRequire = /^Dynamic require of "(.*)" is not supported$/.exec(message);
  if (dynamicRequire !== null) {
    const name = dynamicRequire[1] as string;
    return new ConfigEvaluationError(`require("${name}") does not work in a config, which is an ES module: write 'import … from "${name}"' instead`, location, { cause: error });
  }
  return new ConfigEvaluationError(`${error.name === "Error" ? "" : `${error.name}: `}${message}`, location, { cause: error });
}

/** The package a module URL belongs to, as a config names it in an import. */
function moduleName(url: string, fallbackPackages: Readonly<Record<string, string>>): string {
  const fallback = Object.entries(fallbackPackages).find(([, entry]) => entry === url);
  if (fallback !== undefined) return fallback[0];
  const path = url.startsWith("file:") ? fileURLToPath(url) : url;
  const inModules = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return inModules !== null ? (inModules[1] as string) : path;
}

/**
 * Node's "The requested module … does not provide an export named …", which
 * names the bundle's view of the module: turned into the user's import, with
 * the names the module does export that are close.
 */
async function missingExportError(error: unknown, fallbackPackages: Readonly<Record<string, string>>): Promise<ConfigMissingExportError | undefined> {
  if (!(error instanceof SyntaxError)) return undefined;
  const found = /^The requested module '([^']+)' does not provide an export named '([^']+)'/.exec(error.message);
  if (found === null) return undefined;
  const [, url, name] = found as unknown as [string, string, string];
  const module = moduleName(url, fallbackPackages);
  let hint = "";
  try {
    const close = closeNames(name, Object.keys((await import(url)) as object), 1);
    if (close[0] !== undefined) hint = `. Did you mean '${close[0]}'?`;
  } catch {
    // The module itself cannot be loaded: no hint, the missing name still says what is wrong.
  }
  const location = findInSources(new RegExp(`\\bimport\\s+(?:[\\w$]+\\s*,\\s*)?\\{[^}]*?\\b(${escapeRegExp(name)})\\b[^}]*\\}`));
  return new ConfigMissingExportError(`'${module}' has no export named '${name}'${hint}`, location, { cause: error });
}

let refusals = 0;
let realExit: typeof process.exit = process.exit;

function refuseExit(code?: number | string | null): never {
  throw new ConfigExitError(`the config called process.exit(${code ?? ""}); a config may not end Kiln: throw an Error to stop with a message`, userLocation(new Error("process.exit")));
}

function stopRefusingExit(): void {
  if (refusals > 0 && --refusals === 0) process.exit = realExit;
}

// An evaluation ended from outside skips the `finally` that would give `process.exit` back.
onEvaluationStop(() => {
  if (refusals === 0) return;
  refusals = 1;
  stopRefusingExit();
});

/**
 * Runs `run` with `process.exit` refused: a config calling it would end Kiln
 * with nothing built and no word why.
 */
function refusingExit<T>(run: () => T): T {
  if (refusals++ === 0) {
    realExit = process.exit;
    process.exit = refuseExit as typeof process.exit;
  }
  let result: T;
  try {
    result = run();
  } catch (error) {
    stopRefusingExit();
    throw error;
  }
  if (!(result instanceof Promise)) {
    stopRefusingExit();
    return result;
  }
  return result.finally(stopRefusingExit) as T;
}

/**
 * Waits for `promise`, which a config's code settles; when Node runs out of
 * anything to do first (the promise can never settle), rejects with a
 * located {@link ConfigUnsettledError} instead of letting Node exit (code 13,
 * without a word).
 */
async function settledOrStuck<T>(promise: Promise<T>, stuck: () => ConfigUnsettledError): Promise<T> {
  let onBeforeExit: (() => void) | undefined;
  const never = new Promise<never>((_, reject) => {
    onBeforeExit = () => reject(stuck());
    process.on("beforeExit", onBeforeExit);
  });
  try {
    return await Promise.race([promise, never]);
  } finally {
    if (onBeforeExit !== undefined) process.off("beforeExit", onBeforeExit);
  }
}

/** Node's modules through which a config reads what Kiln cannot track: files, the network, other programs, the host. */
const UNTRACKED_MODULES: Readonly<Record<string, string>> = {
  fs: "files with fs directly",
  "fs/promises": "files with fs directly",
  http: "the network (http)",
  https: "the network (https)",
  http2: "the network (http2)",
  net: "the network (net)",
  tls: "the network (tls)",
  dgram: "the network (dgram)",
  dns: "the network (dns)",
  "dns/promises": "the network (dns)",
  child_process: "other programs (child_process)",
  worker_threads: "other threads (worker_threads)",
  module: "modules loaded by require (module)",
  os: "the host (os)",
};

/** Tells the evaluation recorder which files and packages the config is made of, and what it imports that Kiln cannot track. */
function noteBundleReads(bundle: ConfigBundle): void {
  for (const file of bundle.inputs) noteEvaluationRead({ kind: "file", path: file });
  for (const url of bundle.externals) if (url.startsWith("file:")) noteEvaluationRead({ kind: "package", url });
  for (const { module, importer } of bundle.builtins) {
    const what = UNTRACKED_MODULES[module.replace(/^node:/, "")];
    if (what !== undefined) noteEvaluationRead({ kind: "untracked", what: `${what}: '${importer}' imports '${module}'` });
  }
}

/** Imports the TypeScript (or JavaScript) config at `file` and returns its value. */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const absolute = resolve(file);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) throw new ConfigNotFoundError(`config file '${absolute}' does not exist`);
  const fallbackPackages = { ...offeredPackages, ...options.fallbackPackages };
  // Started before bundling, so the watchdog thread boots while esbuild works.
  configureEvaluation({ label: absolute, ...options.limits });
  const bundle = await configBundle(absolute, { fallbackPackages });
  registerConfigBundle(bundle.path, bundle.inputs);
  noteBundleReads(bundle);
  process.setSourceMapsEnabled(true);
  const url = `${pathToFileURL(bundle.path).href}?kiln-load=${++loadCounter}`;
  const sources = [absolute, ...bundle.inputs.filter((input) => input !== absolute)];
  let namespace: Record<string, unknown>;
  try {
    namespace = await refusingExit(() =>
      awaitEvaluation(() => settledOrStuck(
        import(url) as Promise<Record<string, unknown>>,
        () =>
          new ConfigUnsettledError(
            "the config's promise never settled: its top-level await waits for something nothing will ever resolve or reject",
            findInSources(/^(?:export\s+)?(?:(?:const|let|var)\s+[^=\n]+=\s*)?(await)\b/m, sources) ?? { file: absolute, line: 1, column: 1 },
          ),
      )),
    );
  } catch (error) {
    throw (await missingExportError(error, fallbackPackages)) ?? explainConfigFailure(error);
  }
  let value: unknown = "default" in namespace ? namespace["default"] : { ...namespace };
  try {
    value = await refusingExit(() =>
      awaitEvaluation(() => settledOrStuck(
        Promise.resolve(typeof value === "function" ? (value as () => unknown)() : value),
        () =>
          new ConfigUnsettledError(
            `the config's promise never settled: its default export ${typeof value === "function" ? "returns a promise" : "is a promise"} nothing will ever resolve or reject`,
            findInSources(/^export\s+(default)\b/m, [absolute]) ?? { file: absolute, line: 1, column: 1 },
          ),
      )),
    );
  } catch (error) {
    throw explainConfigFailure(error);
  }
  return { file: absolute, value, exportsDefault: "default" in namespace };
}

/** Runs `read` on the config's value, turning what it throws into a located error (getters run user code). */
export function evaluateInConfig<T>(read: () => T): T {
  try {
    return refusingExit(() => duringEvaluation(read));
  } catch (error) {
    if (error instanceof AttributeNotFoundError) throw error;
    throw explainConfigFailure(error);
  }
}

export { parseInstallable, resolveConfigFile } from "./installable.js";
