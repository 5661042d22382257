/**
 * Where Kiln keeps what it can make again (config bundles, evaluations,
 * the compiled builder spawner): `$KILN_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/kiln`, else `~/.cache/kiln`, as the XDG base directory
 * specification places a program's cache (Nix's is `~/.cache/nix`).
 */
import { accessSync, constants, lstatSync, mkdirSync } from "node:fs";
import { homedir, tmpdir, userInfo } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { KilnError } from "../errors.js";

/** The temporary directory that stands in for Kiln's cache is not this user's alone: what Kiln would run from it could be anyone's. */
export class CacheDirectoryError extends KilnError {
  override name = "CacheDirectoryError";
}

/** Kiln's cache directory (see the file's comment); `KILN_CACHE_DIR`, if set, moves all of it. */
export function kilnCacheDir(): string {
  const configured = process.env["KILN_CACHE_DIR"];
  if (configured !== undefined && configured !== "") return resolve(configured);
  const xdg = process.env["XDG_CACHE_HOME"];
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), ".cache"), "kiln");
}

/**
 * The cache's subdirectory `name`, made if need be; a private one under the
 * temporary directory (`kiln-<name>-<uid>`) when it cannot be written (a
 * read-only home), so that a cache never stops a command. That one must be
 * this user's alone, else a {@link CacheDirectoryError}: Kiln runs what it keeps there.
 */
export function writableKilnCacheDir(name: string): string {
  const wanted = join(kilnCacheDir(), name);
  try {
    mkdirSync(wanted, { recursive: true });
    accessSync(wanted, constants.W_OK);
    return wanted;
  } catch {
    const fallback = join(tmpdir(), `kiln-${name}-${userInfo().uid}`);
    mkdirSync(fallback, { recursive: true, mode: 0o700 });
    // Made before by someone else, it could hold their code under the names Kiln runs.
    const stats = lstatSync(fallback);
    if (!stats.isDirectory() || stats.uid !== userInfo().uid || (stats.mode & 0o077) !== 0) {
      throw new CacheDirectoryError(`Kiln's cache '${wanted}' cannot be written, and '${fallback}', which stands in for it, is not a directory of this user's alone (mode 0700); remove it, or set KILN_CACHE_DIR to a directory of yours`);
    }
    return fallback;
  }
}
