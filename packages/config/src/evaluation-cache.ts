/**
 * The evaluation cache: the result of instantiating a config (its roots,
 * their `.drv` and output paths, the warnings given) kept beside the config
 * bundles, under `$XDG_CACHE_HOME/kiln/evaluations` (`KILN_CACHE_DIR` moves
 * it), and reused while everything the evaluation read is unchanged (see
 * `evaluation-reads.ts`): the config's files and `kiln.lock` by content, the
 * packages it imported and the host tools by file identity, the environment
 * variables it read by value, its `path()` sources by NAR hash. Nix caches
 * only flake evaluations, keyed by a locked commit (so a dirty tree and a
 * failure are never cached); this cache is keyed by what was read, so it
 * works in an uncommitted tree, and only successes are ever written.
 *
 * This module is loaded alone for a cache hit: it imports nothing of the
 * evaluator.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { configCacheDir } from "./config-bundle.js";
import { type EvaluationReads, hashPathSync, getStoreDir, writeFileAtomically } from "@kiln/formats";
import { parseInstallable, resolveConfigFile } from "./installable.js";

/** One derivation an installable evaluated to, as the cache keeps it. */
export interface CachedRoot {
  /** Where it was found, e.g. `packages.hello`. */
  readonly attrPath: string;
  readonly drvPath: string;
  /** Output names, the default first. */
  readonly outputNames: readonly string[];
  /** Each output's store path. */
  readonly outputs: Readonly<Record<string, string>>;
}

/** What identifies one evaluation: the same config, attribute, store and Kiln give the same key. */
export interface EvaluationKey {
  /** The config file (absolute). */
  readonly file: string;
  readonly attrPath: string | undefined;
  readonly storeDir: string;
  /** The `@kiln/*` packages offered to the config. */
  readonly fallbackPackages: Readonly<Record<string, string>>;
}

/** A reused evaluation. */
export interface CachedEvaluation {
  readonly roots: readonly CachedRoot[];
  /** The warnings the evaluation gave, to give again. */
  readonly warnings: readonly string[];
}

/** The answer of {@link lookupEvaluation}: the evaluation, or why there is none to reuse. */
export type EvaluationLookup = { readonly hit: CachedEvaluation } | { readonly miss: string };

/** The answer of {@link saveEvaluation}: whether it was cached, and if not, why. */
export type EvaluationSave = { readonly saved: true } | { readonly saved: false; readonly reason: string };

const FORMAT = 1;

interface Entry {
  readonly format: number;
  readonly config: string;
  /** File contents read: path to sha256, `null` for a file that must not exist. */
  readonly files: Readonly<Record<string, string | null>>;
  /** Files known by identity (packages, host tools, Kiln itself): path to signature, `null` for absent. */
  readonly stats: Readonly<Record<string, string | null>>;
  /** Environment variables read: name to value, `null` for unset. */
  readonly env: Readonly<Record<string, string | null>>;
  /** `path()` sources: path to NAR hash. */
  readonly sources: Readonly<Record<string, string>>;
  readonly roots: readonly CachedRoot[];
  readonly warnings: readonly string[];
}

/** What `-v` says when a cached evaluation is used. */
export const EVALUATION_REUSED_NOTE = "evaluation cache: reused the last evaluation (nothing it read has changed)";

/** Whether evaluations may be cached: `KILN_EVAL_CACHE=0` turns the cache off. */
export function evaluationCacheEnabled(): boolean {
  return process.env["KILN_EVAL_CACHE"] !== "0";
}

/** The directory of cached evaluations. */
export function evaluationCacheDir(): string {
  return join(dirname(configCacheDir()), "evaluations");
}

/**
 * The cache key of evaluating `installable` (`FILE.ts#attr`) for
 * `options.storeDir` (default: the current store directory) with
 * `options.fallbackPackages` offered.
 */
export function evaluationKeyOf(installable: string, options: { readonly storeDir?: string; readonly fallbackPackages?: Readonly<Record<string, string>> }): EvaluationKey {
  const { file, attrPath } = parseInstallable(installable);
  return { file: resolveConfigFile(file), attrPath, storeDir: options.storeDir ?? getStoreDir(), fallbackPackages: options.fallbackPackages ?? {} };
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function entryPath(key: EvaluationKey): string {
  const identity = JSON.stringify([FORMAT, key.file, key.attrPath ?? null, key.storeDir, key.fallbackPackages, process.version, process.arch, process.platform]);
  return join(evaluationCacheDir(), `${sha256(identity).slice(0, 32)}.json`);
}

/** A file's identity: size, modification time, inode (symlinks followed); `null` if it does not exist. */
function signature(path: string): string | null {
  try {
    const stats = statSync(path);
    return `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
  } catch {
    return null;
  }
}

function contentHash(path: string): string | null {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

/**
 * The files of Kiln that, rebuilt, change what evaluation gives, of this
 * package and of `@kiln/formats` (whose `derivation()` a config calls,
 * through whichever package it imports): their manifests, and in a checkout
 * the builds' records.
 */
function kilnFiles(): string[] {
  const roots = [fileURLToPath(new URL("../", import.meta.url)), dirname(dirname(createRequire(import.meta.url).resolve("@kiln/formats")))];
  return roots.flatMap((root) => [join(root, "package.json"), join(root, "dist", ".tsbuildinfo")]);
}

/** For a package module: the module, its package's manifest and (in a workspace checkout) the build's record, whose identities say it was reinstalled or rebuilt. */
function packageFiles(url: string): string[] {
  const file = fileURLToPath(url);
  const files = [file];
  for (let directory = dirname(file); directory !== dirname(directory); directory = dirname(directory)) {
    if (signature(join(directory, "package.json")) === null) continue;
    files.push(join(directory, "package.json"), join(directory, "dist", ".tsbuildinfo"));
    break;
  }
  return files;
}

/** Why `entry` no longer holds (the first difference found, cheapest checks first), or `undefined` if it does. */
function staleness(entry: Entry): string | undefined {
  for (const [name, value] of Object.entries(entry.env)) {
    if ((process.env[name] ?? null) !== value) return `environment variable ${name} changed`;
  }
  for (const [path, known] of Object.entries(entry.stats)) {
    if (signature(path) !== known) return `'${path}' changed`;
  }
  for (const [path, known] of Object.entries(entry.files)) {
    if (contentHash(path) !== known) return `'${path}' changed`;
  }
  for (const [path, known] of Object.entries(entry.sources)) {
    let now: string | undefined;
    try {
      now = `sha256:${hashPathSync(path, "sha256").hash.toBase16()}`;
    } catch {
      now = undefined;
    }
    if (now !== known) return `path() source '${path}' changed`;
  }
  return undefined;
}

/** The cached evaluation for `key`, if there is one and nothing it read has changed since; else why not. */
export function lookupEvaluation(key: EvaluationKey): EvaluationLookup {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(entryPath(key), "utf8")) as Entry;
  } catch {
    return { miss: "no cached evaluation" };
  }
  if (entry.format !== FORMAT || entry.config !== key.file) return { miss: "no cached evaluation" };
  const stale = staleness(entry);
  return stale === undefined ? { hit: { roots: entry.roots, warnings: entry.warnings } } : { miss: stale };
}

/** How often the entries are looked over for configs that no longer exist: reading them all costs each save as many files. */
const PRUNE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the entries of configs that no longer exist, so the cache does not
 * grow forever; at most once a day (the time is kept as a stamp file's), since
 * it reads every entry and a cache used by many configs and stores holds hundreds.
 */
function pruneEntries(directory: string): void {
  const stamp = join(directory, ".pruned");
  const last = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs;
  if (last !== undefined && Date.now() - last < PRUNE_INTERVAL_MS && last <= Date.now()) return;
  writeFileSync(stamp, "");
  for (const name of readdirSync(directory)) {
    if (!name.endsWith(".json")) continue;
    try {
      const { config } = JSON.parse(readFileSync(join(directory, name), "utf8")) as { config?: unknown };
      if (typeof config === "string" && signature(config) !== null) continue;
    } catch {
      // Unreadable: as good as gone.
    }
    rmSync(join(directory, name), { force: true });
  }
}

/**
 * Caches a successful evaluation of `key` that read `reads` and gave
 * `roots`; an evaluation that read something Kiln cannot track is not
 * cached, and the reason says what and where.
 */
export function saveEvaluation(key: EvaluationKey, reads: EvaluationReads, roots: readonly CachedRoot[]): EvaluationSave {
  const untracked = reads.untracked[0];
  if (untracked !== undefined) {
    const more = reads.untracked.length > 1 ? ` (and ${reads.untracked.length - 1} more)` : "";
    return { saved: false, reason: `the config reads ${untracked.what}${untracked.where !== undefined ? ` at ${untracked.where}` : ""}${more}, which Kiln cannot track` };
  }
  const files: Record<string, string | null> = {};
  // The lock beside the config pins what it fetches, whether or not this evaluation read it.
  for (const file of [...reads.files, join(dirname(key.file), "kiln.lock")]) files[file] = contentHash(file);
  const stats: Record<string, string | null> = {};
  for (const file of [...kilnFiles(), ...[...reads.packages].flatMap(packageFiles), ...reads.hostFiles]) stats[file] = signature(file);
  const entry: Entry = {
    format: FORMAT,
    config: key.file,
    files,
    stats,
    env: Object.fromEntries(reads.env),
    sources: Object.fromEntries([...reads.sources.values()].map((source) => [source.path, source.narHash])),
    roots,
    warnings: reads.warnings,
  };
  const path = entryPath(key);
  try {
    mkdirSync(dirname(path), { recursive: true });
    pruneEntries(dirname(path));
    writeFileAtomically(path, JSON.stringify(entry));
  } catch (error) {
    return { saved: false, reason: `the cache could not be written: ${(error as Error).message}` };
  }
  return { saved: true };
}
