/**
 * Finds where in the user's files an error happened.
 *
 * Stack traces are source-mapped (Kiln turns source maps on before loading a
 * config), so frames already name `.ts` lines. The interesting frame is the
 * first one outside Kiln's own packages and `node_modules`: the user's line
 * that called `derivation()` with a bad attribute, say.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceLocation } from "../evaluation/config-errors.js";
import { isConfigBundle } from "./bundle-source-maps.js";

// "at fn (/path/file.ts:1:2)" or "at /path/file.ts:1:2"; Node's own frames (node:internal/…) do not match.
const FRAME = /(?:\(|at )((?:file:\/\/)?\/[^():]*?(?:\?[^():]*)?):(\d+):(\d+)\)?\s*$/;

function frameFile(raw: string): string {
  if (!raw.startsWith("file://")) return raw;
  const url = new URL(raw);
  url.search = "";
  return fileURLToPath(url);
}

/** The locations of a stack trace's frames that lie in files, innermost first. */
export function stackLocations(stack: string): SourceLocation[] {
  const locations: SourceLocation[] = [];
  for (const line of stack.split("\n")) {
    if (!/^\s+at /.test(line)) continue;
    const match = FRAME.exec(line);
    if (match === null) continue;
    locations.push({ file: frameFile(match[1] as string), line: Number(match[2]), column: Number(match[3]) });
  }
  return locations;
}

/**
 * Kiln's own packages say so in their manifest, `"kiln": { "ownCode": true }`:
 * their frames are never the user's, wherever they are installed. Asking the
 * manifest, not a list of names, lets each package (this one and those above
 * it) be known without this one naming them.
 */
interface PackageManifest {
  readonly name: string;
  readonly ownCode: boolean;
}

const manifests = new Map<string, PackageManifest | undefined>();

/** The nearest `package.json` above `directory`, as far as it matters here (cached: a stack has many frames). */
function manifestAbove(directory: string): PackageManifest | undefined {
  if (manifests.has(directory)) return manifests.get(directory);
  const file = join(directory, "package.json");
  let manifest: PackageManifest | undefined;
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; kiln?: { ownCode?: unknown } };
      manifest = { name: typeof parsed.name === "string" ? parsed.name : "", ownCode: parsed.kiln?.ownCode === true };
    } catch {
      manifest = { name: "", ownCode: false };
    }
  } else {
    const parent = dirname(directory);
    manifest = parent === directory ? undefined : manifestAbove(parent);
  }
  manifests.set(directory, manifest);
  return manifest;
}

/** The name of the package `file` belongs to (the nearest `package.json` above it), if any. */
export function packageOfFile(file: string): string | undefined {
  return manifestAbove(dirname(file))?.name || undefined;
}

/** Whether `file` belongs to one of Kiln's own packages (a frame of a lazily read option, say). */
export function isKilnPackageFile(file: string): boolean {
  return manifestAbove(dirname(file))?.ownCode === true;
}

/**
 * The innermost location of `error` that is in a user's file: not in
 * `node_modules`, not in any of Kiln's own packages (wherever they are),
 * not in any of `excludedRoots`, not in a config bundle's own glue code.
 */
export function userLocation(error: unknown, excludedRoots: readonly string[] = []): SourceLocation | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (stack === undefined) return undefined;
  for (const location of stackLocations(stack)) {
    if (location.file.includes("/node_modules/")) continue;
    if (excludedRoots.some((root) => location.file.startsWith(`${root}/`))) continue;
    if (isKilnPackageFile(location.file)) continue;
    // Mapped frames already name the user's files; what stays in the bundle is esbuild's own glue (its `require` shim).
    if (isConfigBundle(location.file)) continue;
    return location;
  }
  return undefined;
}
