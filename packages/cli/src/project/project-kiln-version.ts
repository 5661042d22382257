/**
 * Pinning Kiln itself: a project made by `kiln init` records the Kiln it was
 * made with (`"kiln": { "version": … }` in its `package.json`), and a
 * command run on it by another Kiln says so in one line, as Nix warns when a
 * lock file was written by another version. It is a warning, not an error:
 * configs usually keep working across versions, and the user decides.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { reportWarning } from "@kiln/core/cache-hit";

/** The Kiln version recorded by the project around `file` (the nearest `package.json` up from it that has one), and that file. */
export function projectKilnVersion(file: string): { readonly version: string; readonly packageJson: string } | undefined {
  const start = resolve(file);
  let dir = existsSync(start) && statSync(start).isDirectory() ? start : dirname(start);
  for (;;) {
    const packageJson = join(dir, "package.json");
    if (existsSync(packageJson)) {
      try {
        const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { kiln?: { version?: unknown } }).kiln?.version;
        if (typeof version === "string") return { version, packageJson };
      } catch {
        // Not ours to judge: loading the config reports what matters.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const warned = new Set<string>();

/** Warns once per project if the project around `file` was made with a Kiln other than `running`. */
export function warnIfOtherKilnVersion(file: string, running: string): void {
  const recorded = projectKilnVersion(file);
  if (recorded === undefined || recorded.version === running || warned.has(recorded.packageJson)) return;
  warned.add(recorded.packageJson);
  reportWarning(`this project was made with Kiln ${recorded.version} (${recorded.packageJson}), but this is Kiln ${running}; it may need changes (or install Kiln ${recorded.version})`);
}
