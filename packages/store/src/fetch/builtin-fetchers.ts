/**
 * Kiln's built-in builders: the fetches behind `fetchurl`, `fetchzip`,
 * `fetchgit` and `fetchpatch`, run by Kiln itself rather than by a program
 * from the store, as Nix runs `builtin:fetchurl`. Each reads its parameters
 * from the derivation's environment and writes the output path; the caller
 * then checks the hash, canonicalises and registers it like any output.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { declaredOutputHash, type Drv, type Hash, FetchError, FetcherArgumentError } from "@kiln/formats";
import { unpackArchive } from "./archive/unpack-archive.js";
import { downloadFile } from "./download.js";
import type { FetchSettings } from "./fetch-settings.js";
import { gitCheckout } from "./git-checkout.js";
import { hashedMirrorUrls } from "./hashed-mirrors.js";
import { resolveMirrorUrl } from "./mirrors.js";
import { normalisePatch } from "./patch-normalise.js";

/** What a built-in builder needs. */
export interface BuiltinBuildContext {
  readonly drv: Drv;
  /** The output path to create (it does not exist). */
  readonly output: string;
  /** An empty scratch directory, removed afterwards. */
  readonly scratch: string;
  readonly settings: FetchSettings;
  /** Receives each line the fetcher reports. */
  readonly log: (line: string) => void;
  /** Receives download progress: the bytes so far, and the total when known. */
  readonly onBytes: (url: string, bytes: number, total: number | undefined) => void;
  readonly signal?: AbortSignal;
}

/** Whether `drv` is built by Kiln itself (its builder is `builtin:…`). */
export function isBuiltinBuilder(drv: Drv): boolean {
  return drv.builder.startsWith("builtin:");
}

/** The builders Kiln knows, by name. */
const BUILDERS: Readonly<Record<string, (context: BuiltinBuildContext) => Promise<void>>> = {
  "builtin:fetchurl": buildFetchurl,
  "builtin:kiln-fetchzip": buildFetchzip,
  "builtin:kiln-fetchgit": buildFetchgit,
  "builtin:kiln-fetchpatch": buildFetchpatch,
};

/** A built-in builder: writes `context.output` from the derivation's environment. */
export type BuiltinBuilder = (context: BuiltinBuildContext) => Promise<void>;

// Kept on globalThis so that every copy of this module (a config may load its own) sees the same registrations.
const REGISTERED = Symbol.for("kiln.core.builtinBuilders");

function registered(): Map<string, BuiltinBuilder> {
  const holder = globalThis as { [REGISTERED]?: Map<string, BuiltinBuilder> };
  return (holder[REGISTERED] ??= new Map());
}

/**
 * Adds a built-in builder `builtin:NAME`, for packages that build outputs
 * inside Kiln (as `@kiln/debian` unpacks `.deb` files). Only the local
 * realiser of a process that registered it can build such derivations; Nix
 * cannot. The names of Kiln's own fetchers cannot be taken.
 */
export function registerBuiltinBuilder(name: string, builder: BuiltinBuilder): void {
  const full = `builtin:${name}`;
  if (BUILDERS[full] !== undefined) throw new FetcherArgumentError(`the built-in builder '${full}' is Kiln's own and cannot be replaced`);
  registered().set(full, builder);
}

/** Runs the built-in builder of `context.drv`. */
export async function runBuiltinBuilder(context: BuiltinBuildContext): Promise<void> {
  const builder = BUILDERS[context.drv.builder] ?? registered().get(context.drv.builder);
  if (builder === undefined) {
    const known = [...Object.keys(BUILDERS), ...registered().keys()];
    throw new FetchError(`unsupported built-in builder '${context.drv.builder}'; Kiln knows ${known.join(", ")}`, "");
  }
  await builder(context);
}

function env(drv: Drv, name: string): string {
  return drv.env.get(name) ?? "";
}

/** The URLs of a fetch: `urls` (or `url`), `mirror://` ones expanded. */
function fetchUrls(context: BuiltinBuildContext): string[] {
  const listed = env(context.drv, "urls").split(/\s+/).filter((url) => url !== "");
  const urls = listed.length > 0 ? listed : [env(context.drv, "url")];
  return urls.flatMap((url) => resolveMirrorUrl(url, context.settings.mirrors));
}

/** The declared flat hash of the output, or `undefined` if it is recursive or all zeros (a hash still to be found). */
function declaredFlatHash(drv: Drv): Hash | undefined {
  const { method, hash } = declaredOutputHash(drv);
  return method === "flat" && hash.bytes.some((byte) => byte !== 0) ? hash : undefined;
}

/**
 * Downloads the first of `urls` that works into `destination`, hashed
 * mirrors first when `hash` is known, logging and reporting progress through
 * `context`: what `builtin:fetchurl` does, for registered builders that fetch.
 *
 * @throws FetchError naming every URL that failed.
 */
export async function downloadFirst(context: BuiltinBuildContext, urls: readonly string[], destination: string, hash: Hash | undefined): Promise<void> {
  const failures: string[] = [];
  const candidates = [...(hash !== undefined ? hashedMirrorUrls(context.settings.hashedMirrors, hash).map((url) => ({ url, mirror: true })) : []), ...urls.map((url) => ({ url, mirror: false }))];
  for (const [index, { url, mirror }] of candidates.entries()) {
    try {
      // A hashed mirror either has the file or not: no retries.
      const settings = mirror ? { ...context.settings, attempts: 1 } : context.settings;
      await downloadFile(url, destination, {
        settings,
        onBytes: (bytes, total) => context.onBytes(url, bytes, total),
        onLog: context.log,
        ...(context.signal !== undefined ? { signal: context.signal } : {}),
      });
      return;
    } catch (error) {
      if (context.signal?.aborted === true) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (mirror) context.log(`not in hashed mirror: ${message}`);
      else {
        failures.push(message);
        // The error thrown at the end names every failure: logged here too, each would be reported twice.
        if (index < candidates.length - 1) context.log(`warning: ${message}; trying the next URL`);
      }
    }
  }
  const first = urls[0] ?? "";
  throw new FetchError(failures.length === 1 ? (failures[0] as string) : `every URL failed:\n${failures.map((failure) => `  ${failure}`).join("\n")}`, first, false);
}

async function buildFetchurl(context: BuiltinBuildContext): Promise<void> {
  const { drv, output } = context;
  const executable = env(drv, "executable") === "1";
  if (env(drv, "unpack") === "1") {
    const archive = join(context.scratch, "download");
    await downloadFirst(context, fetchUrls(context), archive, undefined);
    await unpackArchive(archive, output, { stripRoot: false });
    return;
  }
  await downloadFirst(context, fetchUrls(context), output, executable ? undefined : declaredFlatHash(drv));
  chmodSync(output, executable ? 0o755 : 0o644);
}

async function buildFetchzip(context: BuiltinBuildContext): Promise<void> {
  const archive = join(context.scratch, "archive");
  await downloadFirst(context, fetchUrls(context), archive, undefined);
  context.log(`unpacking '${env(context.drv, "url")}'`);
  await unpackArchive(archive, context.output, { stripRoot: env(context.drv, "stripRoot") === "1" });
}

async function buildFetchgit(context: BuiltinBuildContext): Promise<void> {
  const home = join(context.scratch, "home");
  mkdirSync(home);
  await gitCheckout(context.output, {
    url: env(context.drv, "url"),
    rev: env(context.drv, "rev") || "HEAD",
    fetchSubmodules: env(context.drv, "fetchSubmodules") === "1",
    leaveDotGit: env(context.drv, "leaveDotGit") === "1",
    deepClone: env(context.drv, "deepClone") === "1",
    scratch: home,
    certificateAuthorities: context.settings.certificateAuthorities,
    log: context.log,
    ...(context.signal !== undefined ? { signal: context.signal } : {}),
  });
}

function globList(drv: Drv, name: string): string[] {
  return env(drv, name).split(" ").filter((pattern) => pattern !== "");
}

async function buildFetchpatch(context: BuiltinBuildContext): Promise<void> {
  const { drv } = context;
  const raw = join(context.scratch, "patch");
  await downloadFirst(context, fetchUrls(context), raw, undefined);
  const text = readFileSync(raw, "utf8");
  if (text.length === 0) throw new FetchError(`the patch fetched from '${env(drv, "url")}' is empty`, env(drv, "url"));
  const extraPrefix = env(drv, "extraPrefix");
  const normalised = normalisePatch(text, {
    stripLen: Number(env(drv, "stripLen") || "0"),
    ...(extraPrefix !== "" ? { extraPrefix } : {}),
    includes: globList(drv, "includes"),
    excludes: globList(drv, "excludes"),
    revert: env(drv, "revert") === "1",
  });
  writeFileSync(context.output, normalised, { mode: 0o644 });
}
