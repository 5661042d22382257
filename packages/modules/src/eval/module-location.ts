/**
 * Where a module was written, for error messages.
 *
 * Nix knows the file of every module it imports. A TypeScript module is just
 * a value, so we capture a stack trace where one is handed to the module
 * system (`defineModule`, or `evalModules` as a fallback) and keep the first
 * frame outside this package: that is the user's `file:line:column`.
 * Vitest and Kiln load sources with source maps, so these are `.ts` lines.
 */
import { relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { stackLocations } from "@kiln/core";

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
