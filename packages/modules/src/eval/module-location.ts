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

/**
 * A stack captured where a module was handed to the module system. Capturing
 * is cheap; formatting it (through the source maps) is not, and most modules
 * defined at import time (the machine and home modules) are never asked
 * where they are, so the text is made on first use.
 */
export class CapturedStack {
  readonly #error: Error;
  readonly #cwd = process.cwd();
  #location: string | undefined | null = null;

  constructor() {
    const previousLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 30;
    this.#error = new Error();
    Error.stackTraceLimit = previousLimit;
  }

  /** The `file:line:column` of the innermost frame outside this package, or `undefined`. */
  location(): string | undefined {
    if (this.#location === null) this.#location = outsideLocation(this.#error.stack ?? "", this.#cwd);
    return this.#location;
  }
}

/** A location recorded for a module: its text, or a stack to find it in. */
type RecordedLocation = string | CapturedStack;

// Every recording is kept until the first one that names a location is read (first recording wins, as before).
const recordedLocations = new WeakMap<object, RecordedLocation | RecordedLocation[]>();

function shownPath(file: string, cwd: string): string {
  const fromCwd = relative(cwd, file);
  return fromCwd.startsWith("..") || fromCwd === "" ? file : fromCwd;
}

function outsideLocation(stack: string, cwd: string): string | undefined {
  for (const location of stackLocations(stack)) {
    if (ownRoots.some((root) => location.file.startsWith(`${root}${sep}`))) continue;
    if (location.file.includes(`${sep}node_modules${sep}`)) continue;
    return `${shownPath(location.file, cwd)}:${location.line}:${location.column}`;
  }
  return undefined;
}

/** The `file:line:column` of the innermost stack frame outside this package, or `undefined`. */
export function callerLocation(): string | undefined {
  return new CapturedStack().location();
}

/** The stack of the caller, to be recorded with {@link recordModuleLocation} and read only if the module's location is asked for. */
export function callerStack(): CapturedStack {
  return new CapturedStack();
}

function textOf(location: RecordedLocation): string | undefined {
  return typeof location === "string" ? location : location.location();
}

/** Remembers `location` as where `module` was written (the first recording that names a location wins). */
export function recordModuleLocation(module: object, location: string | CapturedStack | undefined): void {
  if (location === undefined) return;
  const recorded = recordedLocations.get(module);
  if (recorded === undefined) recordedLocations.set(module, location);
  else if (Array.isArray(recorded)) recorded.push(location);
  else if (typeof recorded !== "string") recordedLocations.set(module, [recorded, location]);
}

/** Where `module` was written, if it was recorded. */
export function moduleLocation(module: unknown): string | undefined {
  if ((typeof module !== "object" && typeof module !== "function") || module === null) return undefined;
  const recorded = recordedLocations.get(module);
  if (recorded === undefined || typeof recorded === "string") return recorded;
  for (const location of Array.isArray(recorded) ? recorded : [recorded]) {
    const text = textOf(location);
    if (text !== undefined) {
      recordedLocations.set(module, text);
      return text;
    }
  }
  recordedLocations.delete(module);
  return undefined;
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
