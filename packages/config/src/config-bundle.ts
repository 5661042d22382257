/**
 * A config as one ES module Node can import: the `kiln.ts` and every local
 * file it imports (TypeScript or JavaScript, as TypeScript resolves them),
 * bundled by esbuild with an inline source map, so stack traces name the
 * user's own files and lines. Packages stay outside the bundle, imported by
 * absolute URL from where the config's project installs them (or, for
 * `@kiln/*` it does not install, from the copies given as fallbacks); a
 * package that is TypeScript source (a workspace package) is bundled.
 *
 * Bundles are cached under `$XDG_CACHE_HOME/kiln/configs` (`KILN_CACHE_DIR`
 * to move it), keyed by the config's path and checked against the contents
 * of every file that went in, so an unchanged config loads without esbuild.
 * Loading this way, rather than through Node's module hooks, spares every
 * command a hooks thread and a round trip to it for each module imported.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isBuiltin } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Message, Metafile, Plugin } from "esbuild";
import { ConfigEvaluationError, ConfigImportCycleError, ConfigSyntaxError, kilnCacheDir, writableKilnCacheDir, type SourceLocation } from "@kiln/formats";
import { bundledPackageRedirects } from "./bundled-packages.js";

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;
/** Kiln's and esbuild's versions, read once, when a config is first loaded (not when Kiln starts): a change of either makes new bundles. */
let versions: { readonly kiln: string; readonly esbuild: string } | undefined;
function toolVersions(): { readonly kiln: string; readonly esbuild: string } {
  if (versions !== undefined) return versions;
  const read = (url: URL): string => (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  let esbuild = "unknown";
  try {
    // Read, not imported: a cached bundle needs no esbuild at all.
    esbuild = read(new URL(import.meta.resolve("esbuild/package.json")));
  } catch {
    // Without esbuild's version, bundles are still rebuilt when Kiln's changes.
  }
  versions = { kiln: read(new URL("../package.json", import.meta.url)), esbuild };
  return versions;
}

/** What {@link configBundle} needs. */
export interface ConfigBundleOptions {
  /** Packages the config may import without installing them: name to the URL of the entry module. */
  readonly fallbackPackages: Readonly<Record<string, string>>;
}

/** A config's bundle: the module to import and the files it was made of. */
export interface ConfigBundle {
  /** The `.mjs` file. */
  readonly path: string;
  /** The absolute paths of the files bundled: the config and every local file it imports. */
  readonly inputs: readonly string[];
  /** Every package module the bundle imports, as absolute file URLs. */
  readonly externals: readonly string[];
  /** Node's own modules the bundled files import (`fs`, `node:http`, …), with the file importing each. */
  readonly builtins: readonly BuiltinImport[];
}

/** A Node module (`fs`, `node:http`) a bundled file imports. */
export interface BuiltinImport {
  /** The module, as written. */
  readonly module: string;
  /** The absolute path of the file that imports it. */
  readonly importer: string;
}

/** What went into a cached bundle, to tell whether it is still current. */
interface BundleManifest {
  /** The config file bundled. */
  readonly config: string;
  readonly kiln: string;
  readonly esbuild: string;
  readonly fallbacks: Readonly<Record<string, string>>;
  /** Every bundled file with the sha256 of its contents. */
  readonly inputs: readonly { readonly file: string; readonly sha256: string }[];
  /** Every external module the bundle imports, as absolute file URLs. */
  readonly externals: readonly string[];
  /** Node's own modules the bundled files import. */
  readonly builtins?: readonly BuiltinImport[];
}

/** The directory of cached bundles. */
export function configCacheDir(): string {
  return join(kilnCacheDir(), "configs");
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function isCurrent(manifest: BundleManifest, options: ConfigBundleOptions): boolean {
  const { kiln, esbuild } = toolVersions();
  // A manifest from before Node's modules were recorded cannot tell the evaluation cache whether the config reads files itself.
  if (manifest.kiln !== kiln || manifest.esbuild !== esbuild || manifest.config === undefined || manifest.builtins === undefined) return false;
  if (JSON.stringify(manifest.fallbacks) !== JSON.stringify(options.fallbackPackages)) return false;
  for (const input of manifest.inputs) {
    if (!existsSync(input.file) || sha256(readFileSync(input.file)) !== input.sha256) return false;
  }
  return manifest.externals.every((url) => !url.startsWith("file:") || existsSync(fileURLToPath(url)));
}

function readManifest(path: string): BundleManifest | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as BundleManifest;
  } catch {
    return undefined;
  }
}

/** Writes `text` to `path` through a temporary file, so readers never see half a file. */
function writeWhole(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** Removes the bundles of configs that no longer exist (a temporary directory's, say), so the cache does not grow forever. */
function pruneCache(cacheDir: string): void {
  for (const entry of readdirSync(cacheDir)) {
    if (!entry.endsWith(".json")) continue;
    const config = readManifest(join(cacheDir, entry))?.config;
    if (config !== undefined && existsSync(config)) continue;
    rmSync(join(cacheDir, entry), { force: true });
    rmSync(join(cacheDir, entry.replace(/\.json$/, ".mjs")), { force: true });
  }
}

/** Whether `specifier` names a package (`zod`, `@kiln/core`, `fs`), not a path or a URL (`./x`, `/x`, `node:fs`). */
function isBareSpecifier(specifier: string): boolean {
  return !specifier.startsWith(".") && !specifier.startsWith("/") && !/^[a-z][\w+.-]*:/i.test(specifier);
}

function packageNameOf(specifier: string): string {
  return specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : (specifier.split("/")[0] as string);
}

/**
 * Resolves packages to absolute URLs (kept external, since the bundle lives
 * elsewhere) and gives each bundled file its own `import.meta.url`.
 */
function configPlugin(options: ConfigBundleOptions, externals: Set<string>, builtins: BuiltinImport[]): Plugin {
  // Externals are noted by the package's own URL (the evaluation cache checks its files); imported as the running Kiln's.
  const redirects = bundledPackageRedirects();
  return {
    name: "kiln-config",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
        if (isBuiltin(args.path) && args.pluginData !== "kiln-resolving" && !args.importer.includes("/node_modules/")) {
          if (!builtins.some((known) => known.module === args.path && known.importer === args.importer)) builtins.push({ module: args.path, importer: args.importer });
        }
        if (args.pluginData === "kiln-resolving" || !isBareSpecifier(args.path) || args.kind === "entry-point") return undefined;
        const found = await pluginBuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "kiln-resolving" });
        if (found.errors.length === 0 && found.path !== "") {
          // Node's own modules, and TypeScript source (a workspace package), are handled as esbuild does.
          if (found.external || TYPESCRIPT.test(found.path)) return found.external ? { path: found.path, external: true } : { path: found.path };
          const url = pathToFileURL(found.path).href;
          externals.add(url);
          return { path: redirects[url] ?? url, external: true };
        }
        const name = packageNameOf(args.path);
        const fallback = options.fallbackPackages[name];
        if (fallback !== undefined && args.path === name) {
          externals.add(fallback);
          return { path: redirects[fallback] ?? fallback, external: true };
        }
        return { errors: [{ text: `Cannot find package '${name}'` }] };
      });
      pluginBuild.onLoad({ filter: /\.(?:[cm]?[jt]s|tsx|jsx)$/ }, (args) => {
        if (args.path.includes("/node_modules/")) return undefined;
        const source = readFileSync(args.path, "utf8");
        // Bundled, every file would see the bundle's URL; each keeps its own, as when Node loads it.
        const url = pathToFileURL(args.path).href;
        const contents = source
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(url))
          .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)));
        const loader = args.path.endsWith(".tsx") ? "tsx" : args.path.endsWith(".jsx") ? "jsx" : TYPESCRIPT.test(args.path) ? "ts" : "js";
        return { contents, loader };
      });
    },
  };
}

function locationOf(message: Message, workingDir: string): SourceLocation | undefined {
  const where = message.location;
  if (where === null || where === undefined) return undefined;
  return { file: resolve(workingDir, where.file), line: where.line, column: where.column + 1 };
}

/** Turns esbuild's first error into a located config error: a syntax error, or an import that resolves to nothing. */
function bundleError(message: Message, workingDir: string, cause: unknown): Error {
  const location = locationOf(message, workingDir);
  const unresolved = /^Could not resolve "([^"]+)"/.exec(message.text);
  if (unresolved !== null) {
    const specifier = unresolved[1] as string;
    const missing = isBareSpecifier(specifier) ? `package '${packageNameOf(specifier)}'` : `module '${location === undefined ? specifier : resolve(dirname(location.file), specifier)}'`;
    return new ConfigEvaluationError(`Cannot find ${missing}`, location, { cause });
  }
  if (message.text.startsWith("Cannot find package")) return new ConfigEvaluationError(message.text, location, { cause });
  return new ConfigSyntaxError(message.text, location, { cause });
}

/** The line and column where `specifier` is written (quoted) in `file`, to point at an import. */
function specifierLocation(file: string, specifier: string): SourceLocation | undefined {
  const lines = readFileSync(file, "utf8").split("\n");
  for (const [index, text] of lines.entries()) {
    const column = Math.max(text.indexOf(`"${specifier}"`), text.indexOf(`'${specifier}'`));
    if (column >= 0 && /\b(?:import|from|export)\b/.test(text)) return { file, line: index + 1, column: column + 1 };
  }
  return undefined;
}

/**
 * A circle of static imports among the user's own files, which Node refuses
 * when a file reads a binding of one not yet evaluated ("Cannot access 'a'
 * before initialization"). A bundle would hide it (its `undefined` values
 * surface far away), so Kiln refuses every such circle, as Nix has no
 * circular imports either.
 */
function importCycleError(metafile: Metafile, workingDir: string, entry: string): ConfigImportCycleError | undefined {
  const edges = new Map<string, { readonly target: string; readonly specifier: string }[]>();
  for (const [input, info] of Object.entries(metafile.inputs)) {
    if (input.includes(":") || input.includes("node_modules/")) continue;
    const targets = info.imports
      .filter((item) => item.kind === "import-statement" && item.external !== true && !item.path.includes("node_modules/") && !item.path.includes(":"))
      .map((item) => ({ target: resolve(workingDir, item.path), specifier: item.original ?? item.path }));
    edges.set(resolve(workingDir, input), targets);
  }
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): ConfigImportCycleError | undefined => {
    state.set(file, "open");
    path.push(file);
    for (const { target, specifier } of edges.get(file) ?? []) {
      if (state.get(target) === "open") {
        const circle = [...path.slice(path.indexOf(target)), target].map((item) => relativeName(workingDir, item));
        return new ConfigImportCycleError(
          `circular import: ${circle[0]} imports ${circle.slice(1).join(", which imports ")}; Node refuses this ('Cannot access … before initialization'), so move what they share into a file that imports neither`,
          specifierLocation(file, specifier),
        );
      }
      if (state.get(target) === undefined) {
        const found = visit(target);
        if (found !== undefined) return found;
      }
    }
    path.pop();
    state.set(file, "done");
    return undefined;
  };
  return visit(entry);
}

function relativeName(workingDir: string, file: string): string {
  return file.startsWith(`${workingDir}/`) ? file.slice(workingDir.length + 1) : file;
}

/**
 * The bundle of the config at `file` (an absolute path), built or taken from
 * the cache.
 */
export async function configBundle(file: string, options: ConfigBundleOptions): Promise<ConfigBundle> {
  const cacheDir = writableKilnCacheDir("configs");
  // The fallbacks are part of the key: the CLI and an embedding program may load one config with different ones.
  // So is where `@kiln/*` is imported from: a bundle made for Kiln's bundled script imports its re-exports, else the packages.
  const key = sha256(`${file}\0${toolVersions().kiln}\0${JSON.stringify(options.fallbackPackages)}\0${JSON.stringify(bundledPackageRedirects())}`).slice(0, 32);
  const bundlePath = join(cacheDir, `${key}.mjs`);
  const manifestPath = join(cacheDir, `${key}.json`);
  const known = readManifest(manifestPath);
  if (known !== undefined && existsSync(bundlePath) && isCurrent(known, options)) {
    return { path: bundlePath, inputs: known.inputs.map((input) => input.file), externals: known.externals, builtins: known.builtins ?? [] };
  }

  const workingDir = dirname(file);
  const externals = new Set<string>();
  const builtins: BuiltinImport[] = [];
  const { build, stop } = await import("esbuild");
  let result;
  try {
    result = await build({
      entryPoints: [file],
      absWorkingDir: workingDir,
      bundle: true,
      write: false,
      outfile: bundlePath,
      format: "esm",
      platform: "node",
      target: "node20",
      // Resolve packages as Node does (no `module` condition or field), so each is the copy Node would load.
      conditions: [],
      mainFields: ["main"],
      sourcemap: "inline",
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
      plugins: [configPlugin(options, externals, builtins)],
    });
  } catch (error) {
    await stop();
    const first = (error as { errors?: readonly Message[] }).errors?.[0];
    if (first === undefined) throw error;
    throw bundleError(first, workingDir, error);
  }
  // esbuild's service process would keep Node's event loop alive: a config awaiting forever must be seen to (see load-config.ts).
  await stop();
  const output = result.outputFiles.find((item) => item.path.endsWith(".mjs"));
  if (output === undefined) throw new Error(`esbuild wrote no bundle for '${file}'`);
  const cycle = importCycleError(result.metafile, workingDir, file);
  if (cycle !== undefined) throw cycle;
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes(":"))
    .map((input) => {
      const path = resolve(workingDir, input);
      return { file: path, sha256: sha256(readFileSync(path)) };
    });
  pruneCache(cacheDir);
  rmSync(manifestPath, { force: true });
  writeWhole(bundlePath, output.text);
  const manifest: BundleManifest = { config: file, ...toolVersions(), fallbacks: options.fallbackPackages, inputs, externals: [...externals], builtins };
  writeWhole(manifestPath, JSON.stringify(manifest));
  return { path: bundlePath, inputs: inputs.map((input) => input.file), externals: [...externals], builtins };
}
