/**
 * FHS environments for Debian programs, as nixpkgs' `buildFHSEnv` and
 * `steam-run` make them: a store path whose `root/` merges the unpacked
 * `.deb`s of a closure (a tree of symlinks into the store, first package
 * wins), and whose `bin/` holds a wrapper per program that runs it under
 * bubblewrap with that tree as `/usr`, `/lib`, `/lib64`, `/bin`, `/sbin` and
 * `/etc`, the host's `passwd`, `group`, `hosts`, `resolv.conf` and
 * `localtime` passed through, and the host's `/home`, `/tmp`, `/run`,
 * `/var`, `/dev`, `/proc` and `/sys` visible. No host library is mounted, so a
 * program can only load libraries of its closure.
 *
 * What maintainer scripts would generate and programs need is made here:
 * the alternatives links of the closure (`/usr/bin/awk`, `/usr/bin/editor`,
 * read from the packages' `postinst`, see `alternatives.ts`), the
 * `ld.so.cache`, by `ldconfig` run inside the environment, and the
 * gdk-pixbuf loader and fontconfig caches, by the closure's own query tools
 * run inside it (see `environment-caches.ts`), and, in `lib/sysusers.d/`,
 * the system users and groups the closure's packages need (see
 * `maintainer-accounts.ts`).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, type Dirent } from "node:fs";
import { basename, dirname, join } from "node:path";
import { findBubblewrap, type BuiltinBuildContext } from "@kiln/store";
import { ALTERNATIVES_FILE, chooseAlternatives, makeAlternativeLinks, readAlternatives, type AlternativeLink } from "./alternatives.js";
import { writeEnvironmentCaches } from "./environment-caches.js";
import { environmentMounts, FHS_RUNNER, HOST_ETC_FILES, ROOT_DIRS, VAR_CACHES } from "./environment-mounts.js";
import { closureAccounts } from "./maintainer-accounts.js";
import { PROGRAM_DIRS } from "./program-index.js";


/**
 * Adds `tree`'s entries to the merged tree at `root` (what is there already
 * stays; Kiln's own notes about the package do not go in): symlinks into the
 * store, or with `copy` hard links (copies across file systems).
 */
function mergeTree(root: string, tree: string, copy: boolean, relative = ""): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(tree, relative), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (relative === "" && entry.name === dirname(ALTERNATIVES_FILE)) continue;
    const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
    const target = join(root, path);
    let existing: ReturnType<typeof lstatSync> | undefined;
    try {
      existing = lstatSync(target);
    } catch {
      existing = undefined;
    }
    if (entry.isDirectory()) {
      if (existing === undefined) mkdirSync(target);
      else if (!existing.isDirectory()) continue;
      mergeTree(root, tree, copy, path);
    } else if (existing === undefined) {
      // Symlinks keep their targets, which mean paths inside the environment; files point into the store.
      if (entry.isSymbolicLink()) symlinkSync(readlinkSync(join(tree, path)), target);
      else if (copy) linkOrCopy(join(tree, path), target);
      else symlinkSync(join(tree, path), target);
    }
  }
}

/** Hard-links `source` at `target`, or copies it (with its mode) where a link cannot be made. */
function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
    chmodSync(target, statSync(source).mode & 0o7777);
  }
}

/** Adds each `path=target` symlink where the merged tree has nothing at `path` (a package's own file wins). */
function addLinks(root: string, links: readonly string[]): void {
  for (const link of links) {
    const equals = link.indexOf("=");
    const path = link.slice(0, equals);
    if (equals <= 0 || path.split("/").includes("..") || path.startsWith("/")) continue;
    const target = join(root, path);
    if (existsSync(target) || isSymlink(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(link.slice(equals + 1), target);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A wrapper script that runs `program` (a path inside the environment) with
 * the arguments it is given; without `program`, the runner that runs its
 * first argument (a command inside the environment) with the rest.
 */
function wrapperScript(root: string, storeDir: string, program?: string): string {
  const mounts = environmentMounts(root, storeDir).map(shellQuote);
  const lines = [];
  for (let i = 0; i < mounts.length; i += 3) lines.push(`  ${mounts.slice(i, i + 3).join(" ")} \\`);
  // The caches built with the environment go over the host's /var only where the host has that directory: a mount point is never made in the host's /var.
  const caches = VAR_CACHES.filter((cache) => existsSync(join(root, cache))).map((cache) => `[ -d /${cache} ] && set -- --ro-bind ${shellQuote(join(root, cache))} /${cache} "$@"\n`);
  const what = program === undefined ? "its first argument" : program;
  const start = program === undefined ? `[ "$#" -gt 0 ] || { echo "usage: $0 PROGRAM [ARGUMENT...]: runs PROGRAM (a path inside the environment) in it" >&2; exit 2; }\nset -- -- "$@"` : `set -- -- ${shellQuote(program)} "$@"`;
  return `#!/bin/sh\n# Runs ${what} in a Debian FHS environment made by Kiln: ${root}\n${start}\n${caches.join("")}exec "\${KILN_BWRAP:-bwrap}" \\\n${lines.join("\n")}\n  "$@"\n`;
}

/** Writes the closure's `ld.so.cache` by running `ldconfig` inside the environment (the closure's own, else the host's, which is static). */
function writeLdCache(root: string, storeDir: string, log: (line: string) => void): void {
  const bubblewrap = findBubblewrap();
  if (bubblewrap === undefined) {
    log("bubblewrap is not installed: the environment gets no ld.so.cache (the wrappers need bubblewrap anyway)");
    return;
  }
  const own = existsSync(join(root, "sbin/ldconfig")) || existsSync(join(root, "usr/sbin/ldconfig"));
  const ldconfig = own ? "/sbin/ldconfig" : "/kiln-ldconfig";
  if (!own && !existsSync("/sbin/ldconfig")) {
    log("neither the closure nor the host has ldconfig: the environment gets no ld.so.cache");
    return;
  }
  const mounts = environmentMounts(root, storeDir, true);
  if (!own) mounts.push("--ro-bind", "/sbin/ldconfig", "/kiln-ldconfig");
  const dirs = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"].filter((dir) => existsSync(join(root, dir)));
  const result = spawnSync(bubblewrap, [...mounts, "--", ldconfig, "-X", ...dirs], { encoding: "utf8" });
  if (result.status !== 0) log(`ldconfig failed (${result.status ?? result.signal}): ${result.stderr.trim()}`);
  else log("wrote the closure's ld.so.cache");
}

/**
 * Writes a wrapper in `bin` for each program of `trees` (the first tree's
 * program wins a name), and for each alternatives link in a program
 * directory whose chosen program is one of theirs (`bin/awk` for mawk).
 */
function writeWrappers(bin: string, root: string, storeDir: string, trees: readonly string[], links: readonly AlternativeLink[]): void {
  for (const link of links) {
    const dir = dirname(link.link).slice(1);
    const name = basename(link.link);
    if (!(PROGRAM_DIRS as readonly string[]).includes(dir) || existsSync(join(bin, name))) continue;
    if (trees.some((tree) => existsSync(join(tree, link.path)))) writeFileSync(join(bin, name), wrapperScript(root, storeDir, link.link), { mode: 0o755 });
  }
  for (const tree of trees) {
    for (const dir of PROGRAM_DIRS) {
      let names: string[];
      try {
        names = readdirSync(join(tree, dir));
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (existsSync(join(bin, name))) continue;
        writeFileSync(join(bin, name), wrapperScript(root, storeDir, `/${dir}/${name}`), { mode: 0o755 });
      }
    }
  }
}

/**
 * The builder `builtin:kiln-debian-fhs`: merges `closure` (unpacked trees,
 * space-separated) into `$out/root`, adds the `links` (`path=target`) where it has nothing, writes a wrapper in `$out/bin` for each
 * program of `programsOf` (or, when they have none, of `fallbackProgramsOf`), and, with `runScript`, `$out/bin/<envName>` that
 * runs it.
 */
export async function buildFhsEnvironment(context: BuiltinBuildContext): Promise<void> {
  const env = (name: string): string => context.drv.env.get(name) ?? "";
  const list = (name: string): string[] => env(name).split(" ").filter((path) => path !== "");
  const out = context.output;
  const storeDir = dirname(out);
  const root = join(out, "root");
  mkdirSync(root, { recursive: true });
  const closure = list("closure");
  for (const tree of closure) mergeTree(root, tree, env("copyFiles") === "1");
  addLinks(root, list("links"));
  mkdirSync(join(root, "etc"), { recursive: true });
  for (const file of HOST_ETC_FILES) {
    // An empty file for each host file to be mounted on, so that bubblewrap need not create one in the read-only tree.
    rmSync(join(root, "etc", file), { force: true, recursive: true });
    writeFileSync(join(root, "etc", file), "");
  }
  const links = makeAlternativeLinks(root, chooseAlternatives(closure.flatMap(readAlternatives), (path) => existsSync(join(root, path))));
  if (links.length > 0) context.log(`linked ${links.length} alternatives (${links.map((link) => link.link).join(", ")})`);
  writeLdCache(root, storeDir, context.log);
  writeEnvironmentCaches(root, storeDir, context.log);
  const bin = join(out, "bin");
  mkdirSync(bin);
  writeWrappers(bin, root, storeDir, list("programsOf"), links);
  // A package without programs of its own (a transitional or meta package such as nginx-light) gets those of its direct dependencies.
  if (readdirSync(bin).length === 0) writeWrappers(bin, root, storeDir, list("fallbackProgramsOf"), links);
  // Any program of the environment, for what needs one that has no wrapper (a service's ssh-keygen of openssh-server's closure).
  const runner = env("runner");
  if (runner !== "") {
    mkdirSync(dirname(join(out, runner)), { recursive: true });
    writeFileSync(join(out, runner), wrapperScript(root, storeDir), { mode: 0o755 });
  }
  const runScript = env("runScript");
  if (runScript !== "") writeFileSync(join(bin, env("envName")), wrapperScript(root, storeDir, runScript), { mode: 0o755 });
  // The system accounts the closure's packages need, where machine activation reads a package's (systemd-sysusers' format).
  const accounts = closureAccounts(closure);
  if (accounts !== "") {
    mkdirSync(join(out, "lib/sysusers.d"), { recursive: true });
    writeFileSync(join(out, "lib/sysusers.d", `${basename(out).slice(basename(out).indexOf("-") + 1)}.conf`), accounts);
  }
  const meta = join(out, "kiln-debian");
  mkdirSync(meta);
  // The list makes the unpacked trees references; a tree of copies needs none of them.
  if (env("copyFiles") !== "1") writeFileSync(join(meta, "closure"), closure.map((path) => `${path}\n`).join(""));
  if (env("package") !== "") writeFileSync(join(meta, "package"), `${env("package")}\n`);
}
