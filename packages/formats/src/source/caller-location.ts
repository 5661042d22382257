/**
 * The `file:line:column` in the user's code that called into Kiln, e.g. the
 * line of a `fetchurl({...})` call, so that `kiln fix-hashes` can find the
 * hash to repair and errors can point at it.
 *
 * Unlike {@link callerFile}, this reads the stack trace text: Kiln turns on
 * source maps before loading a config, so the text names the `.ts` line the
 * user wrote, not the transpiled one.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceLocation } from "../evaluation/config-errors.js";
import { stackLocations } from "./source-location.js";

// dist/source/caller-location.js (or src/…) → dist (or src): Kiln's own code.
const CODE_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The innermost stack location outside `@kiln/formats`, `node_modules` and the
 * directories in `skip` (another Kiln package's own code, which calls on
 * behalf of the user), or `undefined`.
 */
export function callerLocation(skip: readonly string[] = []): SourceLocation | undefined {
  const limit = Error.stackTraceLimit;
  let stack: string | undefined;
  try {
    Error.stackTraceLimit = 50;
    stack = new Error().stack;
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const location of stackLocations(stack ?? "")) {
    if (location.file.includes("/node_modules/")) continue;
    const own = [CODE_ROOT, ...skip].flatMap(withSibling).some((root) => location.file.startsWith(`${root}/`));
    if (own && !location.file.endsWith(".test.ts")) continue;
    return location;
  }
  return undefined;
}

/**
 * A code root and its twin: `dist` beside `src`. With source maps on, a frame
 * of the compiled `dist` code is reported at its `src` file, so both are the
 * package's own code.
 */
function withSibling(root: string): string[] {
  const twin = root.endsWith("/dist") ? `${root.slice(0, -5)}/src` : root.endsWith("/src") ? `${root.slice(0, -4)}/dist` : undefined;
  return twin === undefined ? [root] : [root, twin];
}
