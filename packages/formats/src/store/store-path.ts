/**
 * Store paths: `<storeDir>/<hash>-<name>`.
 *
 * The hash part is 160 bits (32 Nix base32 characters): a sha256 of a
 * "fingerprint" string `type:sha256:<inner hash>:<storeDir>:<name>`, folded to
 * 20 bytes. The `type` says how the path was made (build output, text, fixed
 * output, source), so the same bytes added two different ways get different
 * paths. Because the store directory is part of the fingerprint, the same
 * derivation has different paths in different stores.
 */
import { KilnError } from "../errors.js";
import { hashString, hashToBase16, hashToLatin1, type Hash, type HashAlgorithm } from "./hash.js";
import { encodeNixBase32, isNixBase32, writeNixBase32 } from "./nix-base32.js";
import { sortUtf8 } from "../util/compare-utf8.js";
import { takeText, putText } from "../util/text-parts.js";

/** The store directory Nix uses unless told otherwise. */
export const DEFAULT_NIX_STORE_DIR = "/nix/store";

/** The number of characters of a store path's hash part. */
export const STORE_PATH_HASH_LENGTH = 32;

/** Nix refuses store path names longer than this. */
export const STORE_PATH_NAME_MAX_LENGTH = 211;

/** How a file tree is turned into bytes to be hashed. */
export type FileIngestionMethod = "flat" | "recursive";

/** A name that Nix would not accept as the name part of a store path. */
export class InvalidStorePathNameError extends KilnError {
  override name = "InvalidStorePathNameError";
}

/** A string that is not a store path of the given store directory. */
export class InvalidStorePathError extends KilnError {
  override name = "InvalidStorePathError";
}

const NAME_CHARACTER = /^[A-Za-z0-9+\-._?=]$/;
const VALID_NAME = /^[A-Za-z0-9+\-._?=]+$/;

/**
 * Returns why `name` cannot be a store path name, or `undefined` if it can.
 * The rules are Nix 2.8's: not empty, at most 211 characters, and only
 * `A-Za-z0-9+-._?=` (a leading `.` is allowed; later Nix versions refuse it).
 */
export function storePathNameProblem(name: string): string | undefined {
  if (name.length <= STORE_PATH_NAME_MAX_LENGTH && VALID_NAME.test(name)) return undefined;
  if (name.length === 0) return "it is empty";
  if (name.length > STORE_PATH_NAME_MAX_LENGTH) {
    return `it is longer than ${STORE_PATH_NAME_MAX_LENGTH} characters (${name.length})`;
  }
  for (const character of name) {
    if (!NAME_CHARACTER.test(character)) {
      return `it contains the character ${JSON.stringify(character)}; only letters, digits and + - . _ ? = are allowed`;
    }
  }
  return undefined;
}

/** Throws {@link InvalidStorePathNameError} unless `name` is a valid store path name. */
export function validateStorePathName(name: string, what = "store path name"): void {
  const problem = storePathNameProblem(name);
  if (problem !== undefined) throw new InvalidStorePathNameError(`invalid ${what} ${JSON.stringify(name)}: ${problem}`);
}

/** Checks that a store directory is an absolute path without a trailing slash. */
export function validateStoreDir(storeDir: string): void {
  if (!storeDir.startsWith("/") || (storeDir.length > 1 && storeDir.endsWith("/")) || storeDir.includes("//")) {
    throw new InvalidStorePathError(`store directory '${storeDir}' must be an absolute path without a trailing slash`);
  }
}

/**
 * Makes a store path from its type, inner hash and name, as Nix's
 * `Store::makeStorePath`. `type` is e.g. `output:out`, `text:<refs>` or `source`.
 */
export function makeStorePath(type: string, hash: Hash, name: string, storeDir: string = DEFAULT_NIX_STORE_DIR): string {
  validateStorePathName(name);
  return storePathFromHex(type, hash.algorithm, hash.toBase16(), name, storeDir);
}

/** {@link makeStorePath} of a valid name and a hash given as lowercase hex. */
export function storePathFromHex(type: string, algorithm: HashAlgorithm, hex: string, name: string, storeDir: string): string {
  putText(type);
  return storePathOfPutType(algorithm, hex, name, storeDir);
}

/** The store path whose fingerprint begins with the type already put ({@link putText}). */
function storePathOfPutType(algorithm: HashAlgorithm, hex: string, name: string, storeDir: string): string {
  putText(":");
  putText(algorithm);
  putText(":");
  putText(hex);
  putText(":");
  putText(storeDir);
  putText(":");
  putText(name);
  // The digest as Latin-1 text: one character per byte, with no Buffer to allocate for a hash read once.
  const digest = hashToLatin1("sha256", takeText());
  // Folded into one buffer that every call reuses: the bytes are read at once, into the path's text.
  // Byte i goes into byte i mod 20: the first 20 as they are, the last 12 XOR-ed onto the first 12.
  const compressed = COMPRESSED;
  for (let i = 0; i < 20; i++) compressed[i] = digest.charCodeAt(i);
  for (let i = 20; i < 32; i++) compressed[i - 20] = (compressed[i - 20] as number) ^ digest.charCodeAt(i);
  return spellStorePath(storeDir, name);
}

/** The 160 bits of a store path's hash part, while {@link makeStorePath} computes them. */
const COMPRESSED = new Uint8Array(20);

/**
 * Where store paths are spelled, as ASCII, before they become one string. Concatenated, a path is a
 * rope of four pieces (and its hash part a string of its own), which the first read of a character
 * (registering the path reads its hash part) copies flat at once: read from here, it is flat from the start.
 */
const SPELLING = Buffer.alloc(512);
/** The store directory spelled at the start of {@link SPELLING}, and the length of it and its slash (-1: not ASCII). */
let spelledStoreDir: string | undefined;
let spelledPrefix = -1;

/** `<storeDir>/<hash part of COMPRESSED>-<name>`. */
function spellStorePath(storeDir: string, name: string): string {
  if (storeDir !== spelledStoreDir) {
    spelledStoreDir = storeDir;
    const prefix = `${storeDir}/`;
    spelledPrefix = /^[\x20-\x7e]*$/.test(prefix) && prefix.length + STORE_PATH_HASH_LENGTH + 1 + STORE_PATH_NAME_MAX_LENGTH <= SPELLING.length ? SPELLING.write(prefix, 0, "latin1") : -1;
  }
  if (spelledPrefix >= 0 && name.length <= STORE_PATH_NAME_MAX_LENGTH) {
    let at = writeNixBase32(COMPRESSED, SPELLING, spelledPrefix);
    SPELLING[at++] = 0x2d;
    for (let i = 0; i < name.length; i++) {
      const code = name.charCodeAt(i);
      // Names are checked before (only ASCII letters, digits and `+-._?=`); anything else is spelled as a string.
      if (code > 0x7e) return `${storeDir}/${encodeNixBase32(COMPRESSED)}-${name}`;
      SPELLING[at++] = code;
    }
    return SPELLING.toString("latin1", 0, at);
  }
  return `${storeDir}/${encodeNixBase32(COMPRESSED)}-${name}`;
}

/** Puts the type of a path with references (see {@link makeTypeWithReferences}) as pieces of the text being built. */
function putTypeWithReferences(kind: string, references: Iterable<string>, hasSelfReference: boolean): void {
  // Sorted as Nix's std::set sorts them (by bytes), each once: a repeated reference sorts next to itself.
  const sorted = sortUtf8([...references]);
  putText(kind);
  for (let i = 0; i < sorted.length; i++) {
    const reference = sorted[i] as string;
    if (i > 0 && reference === sorted[i - 1]) continue;
    putText(":");
    putText(reference);
  }
  if (hasSelfReference) putText(":self");
}

/** The type string for a path with references: `kind:ref1:ref2[:self]`, references sorted. */
export function makeTypeWithReferences(kind: string, references: Iterable<string>, hasSelfReference = false): string {
  putTypeWithReferences(kind, references, hasSelfReference);
  return takeText();
}

/** The name of output `outputName` of a derivation named `drvName`: `out` adds nothing, others add `-<output>`. */
export function outputPathName(drvName: string, outputName: string): string {
  return outputName === "out" ? drvName : `${drvName}-${outputName}`;
}

/** The path of an input-addressed output, from the derivation's masked hash. */
export function makeOutputPath(outputName: string, drvHash: Hash, drvName: string, storeDir: string = DEFAULT_NIX_STORE_DIR): string {
  return makeStorePath(`output:${outputName}`, drvHash, outputPathName(drvName, outputName), storeDir);
}

/** {@link makeOutputPath} from the masked hash's sha256 hex, for an output whose path name is known to be valid. */
export function outputPathFromHex(outputName: string, drvHashHex: string, drvName: string, storeDir: string): string {
  return storePathFromHex(`output:${outputName}`, "sha256", drvHashHex, outputPathName(drvName, outputName), storeDir);
}

/**
 * The path of content-addressed data with a known hash, as `nix-store --add-fixed`.
 * `recursive` + sha256 is the `source` type (the one `nix-store --add` and
 * path literals use) and may have references; every other combination is
 * hashed once more through a `fixed:out:` fingerprint and cannot have references.
 */
export function makeFixedOutputPath(
  method: FileIngestionMethod,
  hash: Hash,
  name: string,
  storeDir: string = DEFAULT_NIX_STORE_DIR,
  references: Iterable<string> = [],
  hasSelfReference = false,
): string {
  if (method === "recursive" && hash.algorithm === "sha256") {
    return makeStorePath(makeTypeWithReferences("source", references, hasSelfReference), hash, name, storeDir);
  }
  if (hasSelfReference || [...references].length > 0) {
    throw new InvalidStorePathError(`fixed-output path '${name}' cannot have references unless it is recursive sha256`);
  }
  const prefix = method === "recursive" ? "r:" : "";
  const inner = hashString("sha256", `fixed:out:${prefix}${hash.algorithm}:${hash.toBase16()}:`);
  return makeStorePath("output:out", inner, name, storeDir);
}

/** The path of a text file with references, as `builtins.toFile` and `.drv` files get. */
export function makeTextPath(name: string, hash: Hash, references: Iterable<string>, storeDir: string = DEFAULT_NIX_STORE_DIR): string {
  return textPathFromHex(name, hash.algorithm, hash.toBase16(), references, storeDir);
}

/** The store path `text` would get as a text file named `name`. */
export function computeTextPath(name: string, text: string | Uint8Array, references: Iterable<string>, storeDir: string = DEFAULT_NIX_STORE_DIR): string {
  // Every `.drv` path is made here: its hash is read only as hex, so no hash object is made of it.
  return textPathFromHex(name, "sha256", hashToBase16("sha256", text), references, storeDir);
}

/** {@link computeTextPath} of a name known to be valid (a derivation's, with `.drv`): not checked again. */
export function textPathOfValidName(name: string, text: string | Uint8Array, references: Iterable<string>, storeDir: string): string {
  putTypeWithReferences("text", references, false);
  return storePathOfPutType("sha256", hashToBase16("sha256", text), name, storeDir);
}

function textPathFromHex(name: string, algorithm: HashAlgorithm, hex: string, references: Iterable<string>, storeDir: string): string {
  validateStorePathName(name);
  putTypeWithReferences("text", references, false);
  return storePathOfPutType(algorithm, hex, name, storeDir);
}

/** A store path split into its parts. */
export interface ParsedStorePath {
  readonly storeDir: string;
  readonly hashPart: string;
  readonly name: string;
}

/** Splits `path` (with no trailing components) into store dir, hash part and name, validating each. */
export function parseStorePath(path: string, storeDir: string = DEFAULT_NIX_STORE_DIR): ParsedStorePath {
  const prefix = `${storeDir}/`;
  if (!path.startsWith(prefix)) throw new InvalidStorePathError(`path '${path}' is not in the Nix store ${storeDir}`);
  const base = path.slice(prefix.length);
  if (base.includes("/")) throw new InvalidStorePathError(`path '${path}' is not a store path (it is inside one)`);
  const hashPart = base.slice(0, STORE_PATH_HASH_LENGTH);
  if (base.length < STORE_PATH_HASH_LENGTH + 2 || base[STORE_PATH_HASH_LENGTH] !== "-" || !isNixBase32(hashPart)) {
    throw new InvalidStorePathError(`path '${path}' is not a valid store path`);
  }
  const name = base.slice(STORE_PATH_HASH_LENGTH + 1);
  const problem = storePathNameProblem(name);
  if (problem !== undefined) throw new InvalidStorePathError(`store path '${path}' has an invalid name: ${problem}`);
  return { storeDir, hashPart, name };
}

/** Whether `path` is exactly a store path of `storeDir`. */
export function isStorePath(path: string, storeDir: string = DEFAULT_NIX_STORE_DIR): boolean {
  try {
    parseStorePath(path, storeDir);
    return true;
  } catch {
    return false;
  }
}

/**
 * The store path that `path` lies in: `<storeDir>/<hash>-<name>/bin/x` gives
 * `<storeDir>/<hash>-<name>`.
 */
export function toStorePath(path: string, storeDir: string = DEFAULT_NIX_STORE_DIR): string {
  const prefix = `${storeDir}/`;
  if (!path.startsWith(prefix)) throw new InvalidStorePathError(`path '${path}' is not in the Nix store ${storeDir}`);
  const slash = path.indexOf("/", prefix.length);
  const storePath = slash < 0 ? path : path.slice(0, slash);
  parseStorePath(storePath, storeDir);
  return storePath;
}

/** Whether a store path names a derivation file. */
export function isDerivationPath(path: string): boolean {
  return path.endsWith(".drv");
}
