/**
 * Where a module was written, for error messages.
 *
 * Nix knows the file of every module it imports. A TypeScript module is just
 * a value, so we capture a stack trace where one is handed to the module
 * system (`defineModule`, or `evalModules` as a fallback) and keep the first
 * frame outside this package: that is the user's `file:line:column`.
 * Vitest and Kiln load sources with source maps, so these are `.ts` lines.
 *
 * That is where the module starts. A definition is somewhere inside it, and
 * a JavaScript object does not know where its keys were written, so
 * {@link definitionLocation} finds the key in the source: from the module's
 * position, each name of the option's path in turn, written as an object
 * key. Messages then point at `hostNmae:` itself, in an object module or
 * inside a module function alike.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { stackLocations } from "@kiln/formats";

// This file lives in src/eval/ (or dist/eval/); frames in either tree are ours.
const packageCodeRoot = fileURLToPath(new URL("../", import.meta.url)).replace(/[\\/]$/, "");
const packageRoot = fileURLToPath(new URL("../../", import.meta.url)).replace(/[\\/]$/, "");
const ownRoots = [packageCodeRoot, `${packageRoot}${sep}src`, `${packageRoot}${sep}dist`];

const recordedLocations = new WeakMap<object, string>();

function shownPath(file: string): string {
  const fromCwd = relative(process.cwd(), file);
  return fromCwd.startsWith("..") || fromCwd === "" ? file : fromCwd;
}

/** The `file:line:column` of the innermost stack frame outside this package, or `undefined`. */
export function callerLocation(): string | undefined {
  const previousLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = previousLimit;
  for (const location of stackLocations(stack)) {
    if (ownRoots.some((root) => location.file.startsWith(`${root}${sep}`))) continue;
    if (location.file.includes(`${sep}node_modules${sep}`)) continue;
    return `${shownPath(location.file)}:${location.line}:${location.column}`;
  }
  return undefined;
}

/** Remembers `location` as where `module` was written (first recording wins). */
export function recordModuleLocation(module: object, location: string | undefined): void {
  if (location !== undefined && !recordedLocations.has(module)) recordedLocations.set(module, location);
}

/** Where `module` was written, if it was recorded. */
export function moduleLocation(module: unknown): string | undefined {
  return typeof module === "object" || typeof module === "function" ? (module === null ? undefined : recordedLocations.get(module)) : undefined;
}

const LOCATION = /^(.*):(\d+):(\d+)$/;
const sources = new Map<string, string | undefined>();
const refined = new Map<string, string>();

function sourceText(path: string): string | undefined {
  if (!sources.has(path)) {
    let text: string | undefined;
    try {
      text = readFileSync(isAbsolute(path) ? path : resolve(process.cwd(), path), "utf8");
    } catch {
      text = undefined;
    }
    sources.set(path, text);
  }
  return sources.get(path);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The `file:line:column` of the key defining `path` in the module that
 * starts at `moduleFile` (a `file:line:column` from {@link callerLocation}),
 * or `moduleFile` itself when it names no readable source or the keys are
 * not found (computed names, a path built in code).
 */
export function definitionLocation(moduleFile: string, path: readonly string[]): string {
  const match = LOCATION.exec(moduleFile);
  if (match === null || path.length === 0) return moduleFile;
  const cacheKey = `${moduleFile}\u0000${path.join("\u0000")}`;
  const known = refined.get(cacheKey);
  if (known !== undefined) return known;
  const [, file = "", line = "1", column = "1"] = match;
  const text = sourceText(file);
  let result = moduleFile;
  if (text !== undefined) {
    let offset = 0;
    for (let index = 1; index < Number(line) && offset >= 0; index++) offset = text.indexOf("\n", offset) + 1 || -1;
    if (offset >= 0) {
      offset += Number(column) - 1;
      let found = -1;
      for (const name of path) {
        const key = new RegExp(`(?<![\\w$])(?:${escapeRegExp(name)}|"${escapeRegExp(name)}"|'${escapeRegExp(name)}')\\s*:`, "g");
        key.lastIndex = offset;
        const hit = key.exec(text);
        if (hit === null) {
          found = -1;
          break;
        }
        found = hit.index;
        offset = hit.index + hit[0].length;
      }
      if (found >= 0) {
        const before = text.slice(0, found);
        const keyLine = before.split("\n").length;
        const keyColumn = found - (before.lastIndexOf("\n") + 1) + 1;
        result = `${file}:${keyLine}:${keyColumn}`;
      }
    }
  }
  refined.set(cacheKey, result);
  return result;
}
