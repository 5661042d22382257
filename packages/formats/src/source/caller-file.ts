/**
 * Finds the source file that called into Kiln, so that `path("./src")`
 * resolves relative to the file that contains it, as a Nix path literal does.
 *
 * V8's structured stack trace gives each frame's file; frames inside
 * `@kiln/formats` itself are skipped. A config loaded by Kiln runs as one
 * bundle with a source map, which gives the user's own `.ts` file of a
 * frame (structured frames, unlike a printed stack, are not source-mapped).
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { originalFileInBundle } from "./bundle-source-maps.js";

// dist/source/caller-file.js (or src/source/caller-file.ts) → dist (or src): Kiln's own code.
const CODE_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function toFilePath(name: string): string {
  if (!name.startsWith("file://")) return name;
  const url = new URL(name);
  url.search = "";
  url.hash = "";
  return fileURLToPath(url);
}

/** The file a frame's code came from: through the source map of a bundled config, if it has one. */
function originalFile(name: string, site: NodeJS.CallSite): string {
  // A test runner's loader may name the module by path, with the query that made it fresh.
  const file = toFilePath(name).replace(/\?kiln-load=\d+$/, "");
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  return (line !== null && column !== null ? originalFileInBundle(file, line, column) : undefined) ?? file;
}

/** The absolute path of the first file on the call stack outside `@kiln/formats`, or `undefined`. */
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
    const file = originalFile(name, site);
    if (file.startsWith(`${CODE_ROOT}/`) && !file.endsWith(".test.ts")) continue;
    return file;
  }
  return undefined;
}
