/**
 * Getting a locked input's parsed index for evaluation. The compact index
 * is a store path; when the store has it, evaluation reads it and nothing
 * else (no network). When it does not, the index is realised by the
 * realiser the embedding program set ({@link setDebianRealiser}; the CLI
 * sets its own), or, with none, fetched by hash and parsed in memory.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadFile, fetchSettingsFromEnvironment, hashedMirrorUrls, type FetchSettings } from "@kiln/store";
import { parseHash, type Derivation } from "@kiln/formats";
import { decompressIndex } from "./index-decompress.js";
import { DebianArchiveError } from "./debian-errors.js";
import { readLockFile, type LockedDebianInput, type LockedIndex } from "./lock-file.js";
import { writePackageNames } from "./package-names.js";
import { readCompactIndex } from "./compact-index-file.js";
import { PackageIndex, parsePackagesFile, type IndexPackage } from "./package-index.js";
import { compactIndexDerivation, indexFetch } from "./package-derivations.js";

/** Builds derivations into the store, e.g. a `LocalRealiser` on the CLI's store. */
export type DebianRealiser = (derivations: readonly Derivation[]) => Promise<void>;

const REALISER = Symbol.for("kiln.debian.realiser");

/** Sets (or, with `undefined`, clears) the realiser that puts indexes into the store during evaluation. */
export function setDebianRealiser(realiser: DebianRealiser | undefined): void {
  (globalThis as { [REALISER]?: DebianRealiser })[REALISER] = realiser;
}

/** The realiser {@link setDebianRealiser} set, if any. */
export function currentRealiser(): DebianRealiser | undefined {
  return (globalThis as { [REALISER]?: DebianRealiser })[REALISER];
}

/** Options of {@link loadPackageIndex}. */
export interface LoadIndexOptions {
  readonly fetchSettings?: FetchSettings;
}

/**
 * The index of `input`: from the store if present, else realised (or
 * fetched and parsed in memory when no realiser is set).
 *
 * @throws DebianArchiveError when a fetched index does not match the lock.
 */
export async function loadPackageIndex(input: LockedDebianInput, mirrors: readonly string[], options: LoadIndexOptions = {}): Promise<PackageIndex> {
  const compact = compactIndexDerivation(input, mirrors);
  const path = compact.outputs.out.path;
  if (!existsSync(path)) {
    const realise = currentRealiser();
    if (realise !== undefined) await realise([compact]);
  }
  if (existsSync(path)) return new PackageIndex(readCompactIndex(path));
  const settings = options.fetchSettings ?? fetchSettingsFromEnvironment();
  const packages: IndexPackage[] = [];
  for (const index of input.indexes) {
    const bytes = await fetchIndexBytes(input, index, mirrors, settings);
    packages.push(...parsePackagesFile(decompressIndex(bytes, index.path), index.path));
  }
  return new PackageIndex(packages);
}

/** The bytes of a locked index: from the store, a hashed mirror or a mirror, checked against the lock. */
async function fetchIndexBytes(input: LockedDebianInput, index: LockedIndex, mirrors: readonly string[], settings: FetchSettings): Promise<Buffer> {
  const stored = indexFetch(input, index, mirrors).outputs.out.path;
  if (existsSync(stored)) return readFileSync(stored);
  const hash = parseHash(`sha256:${index.sha256}`);
  const urls = [...hashedMirrorUrls(settings.hashedMirrors, hash), ...mirrors.map((mirror) => mirror + index.path)];
  const scratch = mkdtempSync(join(tmpdir(), "kiln-debian-index-"));
  const failures: string[] = [];
  try {
    for (const url of urls) {
      const file = join(scratch, "index");
      try {
        await downloadFile(url, file, { settings });
      } catch (error) {
        failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const bytes = readFileSync(file);
      rmSync(file);
      const got = createHash("sha256").update(bytes).digest("hex");
      if (got !== index.sha256 || bytes.length !== index.size) {
        failures.push(`${url}: got SHA-256 ${got} (${bytes.length} bytes), but the lock says ${index.sha256} (${index.size} bytes)`);
        continue;
      }
      return bytes;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  throw new DebianArchiveError(
    `no mirror served the locked index '${index.path}' of '${input.suite}':\n${failures.map((failure) => `  ${failure}`).join("\n")}\nA mirror that serves another file has moved on since the lock was taken: 'kiln update' moves the lock forward.`,
  );
}

/**
 * Writes the `kiln.lock.d.ts` beside `lockFile` from the compact indexes the
 * store already has (no network, nothing built), so that `kiln check` types
 * package names before the config was ever evaluated here (a fresh clone
 * whose store has the indexes). Inputs whose index the store lacks are left
 * as they are. Returns the names of the inputs written.
 */
export function writePackageNamesFromStore(lockFile: string): string[] {
  const lock = readLockFile(lockFile);
  const inputs = Object.keys(lock.inputs);
  const written: string[] = [];
  for (const [name, input] of Object.entries(lock.inputs)) {
    // Mirrors do not enter the compact index's store path.
    const path = compactIndexDerivation(input, []).outputs.out.path;
    if (!existsSync(path)) continue;
    const names = (): string[] => [...new Set(readCompactIndex(path).map((entry) => entry.name))].sort();
    if (writePackageNames(lockFile, name, input, names, inputs)) written.push(name);
  }
  return written;
}
