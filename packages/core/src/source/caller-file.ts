/**
 * Finds the source file that called into Kiln, so that `path("./src")`
 * resolves relative to the file that contains it, as a Nix path literal does.
 *
 * V8's structured stack trace gives each frame's file; frames inside
 * `@kiln/core` itself are skipped. Config files loaded by Kiln keep their
 * own file names (they are transpiled one by one, not bundled), so the
 * frame names the user's `.ts` file.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

// dist/source/caller-file.js (or src/source/caller-file.ts) → dist (or src): Kiln's own code.
const CODE_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function toFilePath(name: string): string {
  if (!name.startsWith("file://")) return name;
  const url = new URL(name);
  url.search = "";
  url.hash = "";
  return fileURLToPath(url);
}

/** The absolute path of the first file on the call stack outside `@kiln/core`, or `undefined`. */
export function callerFile(): string | undefined {
  const original = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 50;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callerFile);
    sites = holder.stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = original;
    Error.stackTraceLimit = limit;
  }
  for (const site of sites) {
    const name = site.getFileName() ?? site.getScriptNameOrSourceURL();
    if (!name || name.startsWith("node:")) continue;
    const file = toFilePath(name);
    if (file.startsWith(`${CODE_ROOT}/`) && !file.endsWith(".test.ts")) continue;
    return file;
  }
  return undefined;
}
