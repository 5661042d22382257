/**
 * Hashed mirrors, as Nix's `hashed-mirrors` setting: places where a file is
 * found by its hash, `<mirror>/<algo>/<base16 hash>`, before any network
 * URL is tried. A mirror is a URL prefix (`https://tarballs.example.org`) or
 * a local directory (`/srv/sources`, `file:///srv/sources`), so a fixed-output
 * source can be served from a local cache with no network at all.
 *
 * Like Nix, only flat hashes (a single file's hash) are looked up this way.
 */
import type { Hash } from "@kiln/formats";

/** Parses a whitespace-separated list (`KILN_HASHED_MIRRORS`), keeping order. */
export function parseHashedMirrors(text: string | undefined): string[] {
  return (text ?? "").split(/\s+/).filter((mirror) => mirror !== "");
}

/** The URLs at which the file with `hash` would be in each mirror. */
export function hashedMirrorUrls(mirrors: readonly string[], hash: Hash): string[] {
  return mirrors.map((mirror) => {
    const base = mirror.startsWith("/") ? `file://${mirror}` : mirror;
    return `${base.endsWith("/") ? base : `${base}/`}${hash.algorithm}/${hash.toBase16()}`;
  });
}
