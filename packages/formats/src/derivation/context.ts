/**
 * String context: how a string remembers the store paths it depends on.
 *
 * In Nix every string carries a hidden set of store paths (its context), and
 * a derivation whose attributes mention such a string depends on them. Kiln
 * keeps strings as plain JavaScript strings, so that users write ordinary
 * template literals. Instead, every store path Kiln creates (derivation
 * outputs, `.drv` files, sources, text files) is registered by its hash part,
 * and a string's context is recovered by scanning it for registered store
 * paths. A store path hash is 160 bits of sha256, so a string mentions one
 * only if it was made from it.
 *
 * Two things scanning alone cannot express use invisible marks, Unicode
 * noncharacters placed just before a store path:
 * - U+FDD0: the path must not be a dependency (`unsafeDiscardStringContext`).
 * - U+FDD1, once per step: the path is the n-th of several things with the
 *   same path. Fixed-output derivations that differ only in how they fetch
 *   ("twins") share their output path, and Nix still records which one a
 *   string came from. The first registration needs no mark, so ordinary
 *   strings carry none.
 * Every string that leaves Kiln (into a `.drv`, a file, the terminal) has the
 * marks removed ({@link stripContextMarks}).
 */
import { compareUtf8 } from "../util/compare-utf8.js";
import { isNixBase32 } from "../store/nix-base32.js";
import { STORE_PATH_HASH_LENGTH } from "../store/store-path.js";
import { getStoreDir } from "../store/current-store-dir.js";
import type { Drv } from "./drv.js";
import type { HashModulo } from "./hash-modulo.js";
import { singleOutput } from "./single-output.js";

/** The mark that {@link unsafeDiscardStringContext} puts before a store path. */
export const DISCARDED_CONTEXT_MARK = "\uFDD0";

/** The mark repeated before the path of the second, third, … registration of one store path. */
export const TWIN_MARK = "\uFDD1";

const ANY_MARK = /[\uFDD0\uFDD1]/;
const ALL_MARKS = /[\uFDD0\uFDD1]/g;

/** What the registry needs to know of a derivation. */
export interface ContextDerivation {
  readonly drvPath: string;
  readonly drv: Drv;
  /** Its hash modulo, which derivations depending on it hash in place of its `.drv` path. */
  readonly hashModulo: HashModulo;
}

/** Where a source's contents come from, so that a store can add it when it is needed. */
export type SourceOrigin = { readonly kind: "path"; readonly path: string } | { readonly kind: "text"; readonly text: string };

/** What a registered store path is. */
export type ContextEntry =
  | { readonly kind: "output"; readonly path: string; readonly derivation: ContextDerivation; readonly output: string }
  | { readonly kind: "drv"; readonly path: string; readonly derivation: ContextDerivation }
  | { readonly kind: "source"; readonly path: string; readonly references: readonly string[]; readonly origin: SourceOrigin };

// Versioned: a copy of @kiln/core that stores entries otherwise must not read these.
const REGISTRY_KEY = Symbol.for("kiln.core.contextRegistry.v3");

/**
 * What the registry holds at one key: the entry, or all the entries at that
 * key in order of registration: twins (several things at one path) and, rarely,
 * paths whose hash parts merely share a key. Nearly every key has one entry,
 * which is kept without an array around it.
 */
type Registered = ContextEntry | ContextEntry[];

/**
 * The registry of one store directory, keyed by a number made from the first
 * characters of each path's hash part ({@link hashKey}), not by the hash part
 * itself: a lookup by a small integer reads no key string, and scanning a
 * string for store paths (every `derivation()` does) makes no slice of it.
 * Hash parts are random, so keys rarely collide; every lookup compares the
 * whole hash part of what it finds.
 */
type Registry = Map<number, Registered>;

interface RegistryHolder {
  [REGISTRY_KEY]?: Map<string, Registry>;
}

// The registry last looked up: nearly every lookup is for the one store directory of the run.
let lastStoreDir: string | undefined;
let lastRegistry: Registry | undefined;
/** `lastStoreDir` and a slash: what store paths in it begin with, which every scan looks for. */
let lastPrefix = "";

/** The registry for `storeDir`, shared by every copy of `@kiln/core` in the process. */
function registryFor(storeDir: string): Registry {
  if (storeDir === lastStoreDir && lastRegistry !== undefined) return lastRegistry;
  lastStoreDir = storeDir;
  lastPrefix = `${storeDir}/`;
  lastRegistry = registryIn(storeDir);
  return lastRegistry;
}

function registryIn(storeDir: string): Registry {
  const holder = globalThis as RegistryHolder;
  const all = (holder[REGISTRY_KEY] ??= new Map());
  let registry = all.get(storeDir);
  if (registry === undefined) {
    registry = new Map();
    all.set(storeDir, registry);
  }
  return registry;
}

/** Characters of a hash part that make its key: 6 base32 digits hold 30 bits, what V8 keeps as a small integer. */
const KEY_CHARACTERS = 6;

/** The registry key of the hash part that starts at `at` in `text` (any text: the hash part is compared after). */
function hashKey(text: string, at: number): number {
  let key = 0;
  for (let i = at; i < at + KEY_CHARACTERS; i++) key = (key << 5) + (text.charCodeAt(i) | 0);
  return key & 0x3fffffff;
}

/** Whether `text` has, at `at`, the hash part of `path` (which starts at `pathAt`). */
function sameHashPart(text: string, at: number, path: string, pathAt: number): boolean {
  if (text.length < at + STORE_PATH_HASH_LENGTH || path.length < pathAt + STORE_PATH_HASH_LENGTH) return false;
  for (let i = 0; i < STORE_PATH_HASH_LENGTH; i++) if (text.charCodeAt(at + i) !== path.charCodeAt(pathAt + i)) return false;
  return true;
}

/**
 * The `index`-th entry (first registration first) whose hash part is the one
 * at `at` in `text`, or the first such if there are fewer; `undefined` if none.
 */
function entryAt(registered: Registered | undefined, text: string, at: number, storeDir: string, index: number): ContextEntry | undefined {
  if (registered === undefined) return undefined;
  const pathAt = storeDir.length + 1;
  if (!Array.isArray(registered)) return sameHashPart(text, at, registered.path, pathAt) ? registered : undefined;
  let first: ContextEntry | undefined;
  let seen = 0;
  for (const entry of registered) {
    if (!sameHashPart(text, at, entry.path, pathAt)) continue;
    if (seen++ === index) return entry;
    first ??= entry;
  }
  return first;
}

/** Whether two entries stand for the same dependency (the same thing evaluated twice). */
function sameDependency(a: ContextEntry, b: ContextEntry): boolean {
  if (a.kind !== b.kind || a.path !== b.path) return false;
  if (a.kind === "output" && b.kind === "output") return a.derivation.drvPath === b.derivation.drvPath && a.output === b.output;
  return true;
}

/**
 * Registers a store path so that strings mentioning it carry it as context.
 * Returns the marks to put before the path in strings that stand for this
 * entry: `""` unless another entry already has the same path.
 */
export function registerContextEntry(entry: ContextEntry, storeDir: string = getStoreDir()): string {
  const registry = registryFor(storeDir);
  const pathAt = storeDir.length + 1;
  const key = hashKey(entry.path, pathAt);
  const registered = registry.get(key);
  if (registered === undefined || (!Array.isArray(registered) && sameDependency(registered, entry))) {
    registry.set(key, entry);
    return "";
  }
  const entries = Array.isArray(registered) ? registered : [registered];
  // The marks count the earlier entries at the same hash part: others at this key are other paths.
  let index = 0;
  for (let i = 0; i < entries.length; i++) {
    const known = entries[i] as ContextEntry;
    if (!sameHashPart(entry.path, pathAt, known.path, pathAt)) continue;
    if (sameDependency(known, entry)) {
      entries[i] = entry;
      registry.set(key, entries);
      return TWIN_MARK.repeat(index);
    }
    index++;
  }
  entries.push(entry);
  registry.set(key, entries);
  return TWIN_MARK.repeat(index);
}

/** The first thing registered at `path`, or `undefined` for a path Kiln did not make. */
export function lookupContextEntry(path: string, storeDir: string = getStoreDir()): ContextEntry | undefined {
  if (!path.startsWith(`${storeDir}/`)) return undefined;
  const pathAt = storeDir.length + 1;
  return entryAt(registryFor(storeDir).get(hashKey(path, pathAt)), path, pathAt, storeDir, 0);
}

/** Everything registered at `path` (several only for twins), first registration first. */
export function lookupContextEntries(path: string, storeDir: string = getStoreDir()): readonly ContextEntry[] {
  if (!path.startsWith(`${storeDir}/`)) return [];
  const pathAt = storeDir.length + 1;
  const registered = registryFor(storeDir).get(hashKey(path, pathAt));
  if (registered === undefined) return [];
  return (Array.isArray(registered) ? registered : [registered]).filter((entry) => sameHashPart(path, pathAt, entry.path, pathAt));
}

/**
 * The key of a method that values whose context is known without scanning
 * (a derivation, one of its outputs) carry: it adds that context and returns
 * the plain store path, as coercing the value to a string and scanning the
 * result would, or `undefined` when only scanning can tell (the value was
 * changed, or belongs to another store). Nix carries context with strings;
 * this is the case where Kiln has it at hand too, and so skips the scan.
 */
export const ADD_OWN_CONTEXT: unique symbol = Symbol("kiln.core.addOwnContext");

/** A value whose string form and context are known (see {@link ADD_OWN_CONTEXT}). */
export interface HasOwnContext {
  [ADD_OWN_CONTEXT](context: StringContext, storeDir: string): string | undefined;
}

/** Whether `value` knows its own context (see {@link ADD_OWN_CONTEXT}). */
export function hasOwnContext(value: object): value is HasOwnContext {
  return typeof (value as Partial<HasOwnContext>)[ADD_OWN_CONTEXT] === "function";
}

/** No dependencies of a kind: what a {@link StringContext} reads as its map of a kind none was found of. */
const NONE_FOUND: ReadonlyMap<string, never> = new Map<string, never>();

/** One derivation's outputs used, as {@link StringContext.outputs} lists them. */
export interface UsedOutputs {
  readonly derivation: ContextDerivation;
  /** The output names used, in the order found. */
  readonly names: readonly string[];
}

/** Above this many input derivations, a {@link StringContext} finds them by an index rather than by a scan. */
const MOST_SCANNED = 16;

/**
 * The dependencies found in strings, before they are turned into a derivation's inputs. Every
 * `derivation()` makes one; nearly all find only outputs, each of one name, so the maps of `.drv`
 * paths and of sources are made only when one is found, one output's names are a shared list, and
 * the outputs are a flat list (no `Map` and an entry object per input made to be dropped at once).
 */
export class StringContext {
  /** The outputs found: each derivation's `.drv` path, the derivation and the names used of it, in turn. */
  private readonly found: (string | ContextDerivation | readonly string[])[] = [];
  /** Where each `.drv` path is in {@link StringContext.found}, once there are many. */
  private foundIndex: Map<string, number> | undefined = undefined;
  /** {@link StringContext.outputs} as last made, until something is added. */
  private outputsMap: Map<string, UsedOutputs> | undefined = undefined;
  private derivationsFound: Map<string, ContextDerivation> | undefined = undefined;
  private sourcesFound: Map<string, readonly string[]> | undefined = undefined;

  /** Derivation outputs used, by `.drv` path: the names used of each, in the order found. */
  get outputs(): ReadonlyMap<string, UsedOutputs> {
    if (this.outputsMap === undefined) {
      const map = new Map<string, UsedOutputs>();
      for (let at = 0; at < this.found.length; at += 3) {
        map.set(this.found[at] as string, { derivation: this.found[at + 1] as ContextDerivation, names: this.found[at + 2] as readonly string[] });
      }
      this.outputsMap = map;
    }
    return this.outputsMap;
  }

  /** How many derivations' outputs were found. */
  get outputCount(): number {
    return this.found.length / 3;
  }

  /** The `.drv` path of the `index`-th derivation whose outputs were found (in the order found). */
  outputPathAt(index: number): string {
    return this.found[3 * index] as string;
  }

  /** The output names used of the `index`-th derivation, in the order found. */
  outputNamesAt(index: number): readonly string[] {
    return this.found[3 * index + 2] as readonly string[];
  }

  /** The derivation at `drvPath` whose outputs were found, if any. */
  outputDerivation(drvPath: string): ContextDerivation | undefined {
    const at = this.positionOf(drvPath);
    return at < 0 ? undefined : (this.found[at + 1] as ContextDerivation);
  }

  /** Where `drvPath` is in {@link StringContext.found}, or -1. */
  private positionOf(drvPath: string): number {
    if (this.foundIndex !== undefined) return this.foundIndex.get(drvPath) ?? -1;
    const found = this.found;
    for (let at = 0; at < found.length; at += 3) if (found[at] === drvPath) return at;
    return -1;
  }

  /** `.drv` paths used as such (`drvPath`): they bring their whole closure. */
  get derivations(): ReadonlyMap<string, ContextDerivation> {
    return this.derivationsFound ?? NONE_FOUND;
  }

  /** Sources and text files used, with their references. */
  get sources(): ReadonlyMap<string, readonly string[]> {
    return this.sourcesFound ?? NONE_FOUND;
  }

  /** Adds output `output` of `derivation`. */
  addOutput(derivation: ContextDerivation, output: string): void {
    const drvPath = derivation.drvPath;
    const at = this.positionOf(drvPath);
    const found = this.found;
    if (at < 0) {
      this.foundIndex?.set(drvPath, found.length);
      found.push(drvPath, derivation, singleOutput(output));
      if (this.foundIndex === undefined && found.length > 3 * MOST_SCANNED) {
        this.foundIndex = new Map();
        for (let position = 0; position < found.length; position += 3) this.foundIndex.set(found[position] as string, position);
      }
    } else {
      const names = found[at + 2] as readonly string[];
      if (names.includes(output)) return;
      found[at + 2] = [...names, output];
    }
    this.outputsMap = undefined;
  }

  /** Adds one registered entry. */
  add(entry: ContextEntry): void {
    if (entry.kind === "output") {
      this.addOutput(entry.derivation, entry.output);
    } else if (entry.kind === "drv") {
      (this.derivationsFound ??= new Map()).set(entry.path, entry.derivation);
    } else {
      (this.sourcesFound ??= new Map()).set(entry.path, entry.references);
    }
  }

  /** Whether nothing was found. */
  get isEmpty(): boolean {
    return this.found.length === 0 && this.derivationsFound === undefined && this.sourcesFound === undefined;
  }
}

/** Reads the marks just before `at`: whether the path is discarded, and which registration it means. */
function marksBefore(text: string, at: number): { discarded: boolean; index: number } {
  let discarded = false;
  let index = 0;
  for (let i = at - 1; i >= 0; i--) {
    const character = text[i];
    if (character === DISCARDED_CONTEXT_MARK) discarded = true;
    else if (character === TWIN_MARK) index++;
    else break;
  }
  return { discarded, index };
}

/**
 * Scans `text` for registered store paths, adds them to `context`, and returns
 * the text with all marks removed: the string as Nix would have it.
 */
export function takeStringContext(text: string, context: StringContext, storeDir: string = getStoreDir()): string {
  const prefix = storeDir === lastStoreDir ? lastPrefix : `${storeDir}/`;
  let at = text.indexOf(prefix);
  if (at >= 0) {
    const registry = registryFor(storeDir);
    while (at >= 0) {
      const hashStart = at + prefix.length;
      const registered = registry.get(hashKey(text, hashStart));
      if (registered !== undefined) {
        const { discarded, index } = marksBefore(text, at);
        const entry = discarded ? undefined : entryAt(registered, text, hashStart, storeDir, index);
        if (entry !== undefined) context.add(entry);
      }
      // Resume just past this occurrence: "/nix/store/nix/store/<hash>" holds a path that starts inside it.
      at = text.indexOf(prefix, at + 1);
    }
  }
  return stripContextMarks(text);
}

/** Removes Kiln's invisible context marks, leaving the text Nix would print. */
export function stripContextMarks(text: string): string {
  return ANY_MARK.test(text) ? text.replace(ALL_MARKS, "") : text;
}

/**
 * Returns `text` such that the store paths in it no longer make a derivation
 * depend on them, as `builtins.unsafeDiscardStringContext`. The result prints
 * the same once it reaches a derivation; in JavaScript it holds an invisible
 * U+FDD0 mark before each store path.
 */
export function unsafeDiscardStringContext(text: string, storeDir: string = getStoreDir()): string {
  const prefix = `${storeDir}/`;
  let out = "";
  let from = 0;
  let at = text.indexOf(prefix);
  while (at >= 0) {
    const hashPart = text.slice(at + prefix.length, at + prefix.length + STORE_PATH_HASH_LENGTH);
    if (!marksBefore(text, at).discarded && hashPart.length === STORE_PATH_HASH_LENGTH && isNixBase32(hashPart)) {
      out += `${text.slice(from, at)}${DISCARDED_CONTEXT_MARK}`;
      from = at;
    }
    at = text.indexOf(prefix, at + 1);
  }
  return out + text.slice(from);
}

/** One element of a string's context, as `builtins.getContext` lists it. */
export interface StringContextInfo {
  /** Whether the `.drv` file itself (and so its closure) is depended on. */
  readonly allOutputs?: boolean;
  /** The outputs depended on. */
  readonly outputs?: readonly string[];
  /** Whether the path itself is depended on (sources). */
  readonly path?: boolean;
}

/** The store paths `text` depends on, keyed like `builtins.getContext`. */
export function getStringContext(text: string, storeDir: string = getStoreDir()): Record<string, StringContextInfo> {
  const context = new StringContext();
  takeStringContext(text, context, storeDir);
  const result: Record<string, StringContextInfo> = {};
  for (const path of [...context.sources.keys()].sort(compareUtf8)) result[path] = { path: true };
  for (const [drvPath, { names }] of context.outputs) result[drvPath] = { outputs: [...names].sort(compareUtf8) };
  for (const drvPath of context.derivations.keys()) result[drvPath] = { ...result[drvPath], allOutputs: true };
  return result;
}
