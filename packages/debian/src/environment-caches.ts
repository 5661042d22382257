/**
 * Caches that Debian's maintainer scripts and triggers would make for the
 * packages of a closure, made instead when an FHS environment is built, by
 * the closure's own tools run inside the environment (as nixpkgs makes
 * `loaders.cache` with `gdk-pixbuf-query-loaders` and a fontconfig cache in
 * its `makeFontsCache`):
 *
 * - gdk-pixbuf's `loaders.cache`, when the closure has
 *   `gdk-pixbuf-query-loaders` (libgdk-pixbuf's `postinst` and trigger);
 *   without it GTK programs load no image format besides the built-in ones;
 * - fontconfig's caches in `/var/cache/fontconfig`, when the closure has
 *   `fc-cache` (fontconfig's trigger); without them every program that uses
 *   fonts scans every font file on start.
 *
 * Nothing is made for a closure that lacks the tool: it does not need it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findBubblewrap } from "@kiln/store";
import { environmentMounts, VAR_CACHES } from "./environment-mounts.js";


/** Runs `argv` inside the environment at `root` with its own directories writable; its stdout, or `undefined` (logged) when it fails. */
function runInside(root: string, storeDir: string, argv: readonly string[], log: (line: string) => void): string | undefined {
  const bubblewrap = findBubblewrap();
  if (bubblewrap === undefined) {
    log(`bubblewrap is not installed: '${argv[0]}' cannot run, so its cache is not made`);
    return undefined;
  }
  const result = spawnSync(bubblewrap, [...environmentMounts(root, storeDir, true), "--setenv", "HOME", "/var/tmp", "--", ...argv], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) {
    log(`'${argv.join(" ")}' failed (${result.status ?? result.signal}): ${(result.stderr ?? "").trim()}`);
    return undefined;
  }
  return result.stdout;
}

/** The `usr/lib/<triplet>/gdk-pixbuf-2.0` directories of the merged tree that hold the query tool. */
function pixbufDirs(root: string): string[] {
  let triplets: string[];
  try {
    triplets = readdirSync(join(root, "usr/lib"));
  } catch {
    return [];
  }
  return triplets.map((triplet) => `usr/lib/${triplet}/gdk-pixbuf-2.0`).filter((dir) => existsSync(join(root, dir, "gdk-pixbuf-query-loaders")));
}

/** Whether `path` in `root` is a real directory of the merged tree (not a link into a package). */
function realDirectory(root: string, path: string): boolean {
  try {
    return lstatSync(join(root, path)).isDirectory();
  } catch {
    return false;
  }
}

/** gdk-pixbuf's `loaders.cache`, beside the loaders it lists, as `gdk-pixbuf-query-loaders --update-cache` writes it. */
function writePixbufLoaders(root: string, storeDir: string, log: (line: string) => void): void {
  for (const dir of pixbufDirs(root)) {
    const cache = `${dir}/2.10.0/loaders.cache`;
    if (!realDirectory(root, dir)) continue;
    const text = runInside(root, storeDir, [`/${dir}/gdk-pixbuf-query-loaders`], log);
    if (text === undefined) continue;
    mkdirSync(join(root, dir, "2.10.0"), { recursive: true });
    rmSync(join(root, cache), { force: true });
    writeFileSync(join(root, cache), text, { mode: 0o644 });
    log(`wrote gdk-pixbuf's /${cache}`);
  }
}

/** Sets the modification time of every real directory below `path` to 1, the time the store gives them: fontconfig's caches are valid for a directory of that time. */
function storeTimes(root: string, path: string): void {
  if (!realDirectory(root, path)) return;
  for (const entry of readdirSync(join(root, path), { withFileTypes: true })) if (entry.isDirectory()) storeTimes(root, `${path}/${entry.name}`);
  utimesSync(join(root, path), 1, 1);
}

/** fontconfig's caches of the environment's fonts, in its `/var/cache/fontconfig`. */
function writeFontCaches(root: string, storeDir: string, log: (line: string) => void): void {
  if (!existsSync(join(root, "usr/bin/fc-cache")) || !existsSync(join(root, "usr/share/fonts"))) return;
  const cacheDir = join(root, "var/cache/fontconfig");
  // Written into the merged tree only: never through a package's link.
  if (["var", "var/cache", "var/cache/fontconfig"].some((dir) => existsSync(join(root, dir)) && !realDirectory(root, dir))) return;
  mkdirSync(cacheDir, { recursive: true });
  storeTimes(root, "usr/share/fonts");
  if (runInside(root, storeDir, ["/usr/bin/fc-cache", "--system-only", "--force"], log) !== undefined) log("wrote fontconfig's caches in /var/cache/fontconfig");
}

/** Writes the caches the closure merged at `root` needs (see the module's description). */
export function writeEnvironmentCaches(root: string, storeDir: string, log: (line: string) => void): void {
  writePixbufLoaders(root, storeDir, log);
  writeFontCaches(root, storeDir, log);
}
