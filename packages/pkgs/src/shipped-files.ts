/**
 * The shell scripts this package ships (setup.sh, builders, setup hooks),
 * imported into the store with core's `path()` so that derivations name them
 * as sources, as nixpkgs names `./setup.sh`.
 *
 * They live under `src/` (which `package.json` ships next to `dist/`); this
 * module is `src/shipped-files.ts` or `dist/shipped-files.js`, so `../src/`
 * finds them from either.
 */
import { fileURLToPath } from "node:url";
import { path } from "@kiln/formats";

/** The absolute path of a shipped file, e.g. `stdenv/setup.sh`. */
export function shippedFilePath(relative: string): string {
  return fileURLToPath(new URL(`../src/${relative}`, import.meta.url));
}

/** The store path of a shipped file (with its context), for the current store directory. */
export function shippedFile(relative: string): string {
  return path(shippedFilePath(relative));
}
