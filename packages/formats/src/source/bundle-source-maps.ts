/**
 * The source maps of the config bundles this process loaded, read by Kiln
 * itself: a structured stack frame in a bundle gives the bundle's position,
 * and `path("./src")` needs the user's file. Node's own source-map cache
 * holds them only when Node itself loaded the bundle (not under a test
 * runner's loader, say), so Kiln keeps its own.
 */
import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/** Shared by every copy of `@kiln/core` in the process: one loads the config, another may read the stack. */
const BUNDLES_KEY = Symbol.for("kiln.config-bundles");
const bundles: Map<string, SourceMap | null> = ((globalThis as { [BUNDLES_KEY]?: Map<string, SourceMap | null> })[BUNDLES_KEY] ??= new Map());
/** The user's source files that went into the bundles loaded, to find a line no stack names (a `throw "text"`, say). */
const SOURCES_KEY = Symbol.for("kiln.config-sources");
const sources: Set<string> = ((globalThis as { [SOURCES_KEY]?: Set<string> })[SOURCES_KEY] ??= new Set());

/** Notes that `bundle` (an absolute path) is a config bundle with an inline source map, made of the user's files `inputs`. */
export function registerConfigBundle(bundle: string, inputs: readonly string[] = []): void {
  if (!bundles.has(bundle)) bundles.set(bundle, null);
  for (const input of inputs) if (!input.includes("/node_modules/")) sources.add(input);
}

/** Whether `file` is a config bundle this process loaded: its frames that no source map covers are esbuild's helpers, not the user's code. */
export function isConfigBundle(file: string): boolean {
  return bundles.has(file);
}

/** The user's own source files of every config loaded so far. */
export function configSourceFiles(): readonly string[] {
  return [...sources];
}

function mapOf(bundle: string): SourceMap | undefined {
  const known = bundles.get(bundle);
  if (known === undefined) return undefined;
  if (known !== null) return known;
  const inline = INLINE_MAP.exec(readFileSync(bundle, "utf8"));
  if (inline === null) return undefined;
  const payload = JSON.parse(Buffer.from(inline[1] as string, "base64").toString("utf8")) as SourceMapPayload;
  const map = new SourceMap(payload);
  bundles.set(bundle, map);
  return map;
}

/** The user's file, line and column (1-based) of a position in a config bundle, or `undefined` when `file` is not one. */
export function originalPositionInBundle(file: string, line: number, column: number): { file: string; line: number; column: number } | undefined {
  const map = mapOf(file);
  if (map === undefined) return undefined;
  const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (entry.originalSource === undefined || entry.originalSource === "" || entry.originalLine === undefined) return undefined;
  const original = fileURLToPath(new URL(entry.originalSource, pathToFileURL(file)));
  return { file: original, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
}

/**
 * The original file of a position (1-based line and column) in a config
 * bundle, or `undefined` when `file` is not one.
 */
export function originalFileInBundle(file: string, line: number, column: number): string | undefined {
  const map = mapOf(file);
  if (map === undefined) return undefined;
  const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string };
  if (entry.originalSource === undefined || entry.originalSource === "") return undefined;
  // Sources are relative to the bundle's own location.
  return fileURLToPath(new URL(entry.originalSource, pathToFileURL(file)));
}
