/**
 * Importing an export stream (`nix-store --import`): the paths of a
 * `nix-store --export` or `kiln export`, each a NAR followed by its path,
 * references and deriver, become valid paths of a Kiln store with those
 * references and that deriver.
 *
 * It checks more than Nix 2.8 does, and is all or nothing where Nix is
 * not. Each NAR is read by Kiln's strict NAR reader (canonical, nothing that
 * could unpack outside its place); each path must belong to this store's
 * directory; each reference must be a path of the stream or already valid;
 * a path without a deriver (a source, a `.drv` or `toFile` text: anything
 * but a build output) must be what its contents hash to, and a path the
 * store already has must have the same NAR hash there. A build output's
 * contents cannot be checked against its path: Nix's format carries no
 * hash, and its name comes from its derivation, not its contents. The stream's paths are
 * unpacked to temporary names first and registered together, in one
 * transaction, only once the whole stream has been read and checked: a
 * truncated or corrupt stream leaves the store as it was. (Nix registers
 * each path as it comes, so a stream cut short leaves the paths before the
 * cut.) Signatures, which Nix's format allows after each path, are read and
 * ignored, as `nix-store --import` does.
 */
import { lstatSync, readFileSync } from "node:fs";
import { EXPORT_MAGIC } from "../realise/nix-export.js";
import { hashString, parseHash, hashFileSync, hashPathSync, NarParseError, FramedNarStream, type NarSource, unpackNarFrom, isStorePath, makeFixedOutputPath, makeTextPath, parseStorePath, lexists } from "@kiln/formats";
import { deletePathRecursively } from "./canonicalise.js";
import { ImportError } from "./export-stream-errors.js";
import type { LocalStore } from "./local-store.js";
import type { NewPathInfo } from "./store-database.js";

/** Options of {@link importPaths}. */
export interface ImportOptions {
  /** Called after each path of the stream has been read and checked (before any is registered). */
  readonly onPath?: (path: string, narSize: number) => void;
}

/** What {@link importPaths} did. */
export interface ImportResult {
  /** Every path of the stream, in its order. */
  readonly paths: readonly string[];
  /** Those that were not valid before and are now. */
  readonly added: readonly string[];
}

interface Staged {
  readonly temporary: string;
  readonly info: NewPathInfo;
}

/**
 * Imports the export stream `source` (a `Readable`, chunks, or bytes) into
 * `store`.
 *
 * @throws ImportError for a stream that is not an export stream, is
 *   truncated or corrupt, names a path outside this store's directory or a
 *   reference that is neither in the stream nor valid, or holds a path whose
 *   contents are not what its content address or the store's copy say. The
 *   store is then unchanged.
 */
export async function importPaths(store: LocalStore, source: NarSource, options: ImportOptions = {}): Promise<ImportResult> {
  const stream = new FramedNarStream(source);
  const staged: Staged[] = [];
  const temporaries: string[] = [];
  const order: string[] = [];
  const inStream = new Set<string>();
  try {
    for (;;) {
      const previous = order.at(-1);
      const after = previous !== undefined ? ` (after '${previous}')` : " (the first path)";
      const at = stream.offset;
      const marker = await field(stream.readNumber(), `before its final 0${previous !== undefined ? `, after '${previous}'` : ""}`);
      if (marker === 0) break;
      if (marker !== 1) throw new ImportError(`not an export stream (as 'nix-store --export' and 'kiln export' write): expected 1 or 0 at byte ${at}, found ${marker}`, previous);
      const temporary = store.temporaryPath("import");
      temporaries.push(temporary);
      try {
        await unpackNarFrom(stream, temporary);
      } catch (error) {
        if (!(error instanceof NarParseError)) throw error;
        throw new ImportError(`the NAR of path ${order.length + 1} of the export stream${after} cannot be imported: ${error.message}`, previous);
      }
      const info = await readTrailer(stream, store, temporary, after);
      const { path } = info;
      if (inStream.has(path)) throw new ImportError(`the export stream holds '${path}' twice`, path);
      checkContentAddress(store, info, temporary);
      if (store.isValid(path)) {
        const registered = store.pathInfo(path)?.narHash;
        if (registered !== info.narHash) {
          throw new ImportError(`the export stream's copy of '${path}' differs from the store's (NAR hash ${info.narHash}, the store has ${registered}): one of them is not what was built`, path);
        }
      }
      staged.push({ temporary, info });
      order.push(path);
      inStream.add(path);
      options.onPath?.(path, info.narSize);
    }
    if (!(await stream.atEnd())) throw new ImportError(`the export stream has data after its final 0 (byte ${stream.offset})`);
    for (const { info } of staged) {
      for (const reference of info.references) {
        if (reference !== info.path && !inStream.has(reference) && !store.isValid(reference)) {
          throw new ImportError(`cannot import '${info.path}': it refers to '${reference}', which is neither in the export stream nor valid in the store (export with --closure)`, info.path);
        }
      }
    }
    const added = store.addPaths(staged);
    return { paths: order, added };
  } catch (error) {
    for (const temporary of temporaries) if (lexists(temporary)) deletePathRecursively(temporary);
    throw error;
  }
}

/** Awaits a read of the stream, turning a failure into an ImportError that says `where` (`in the references of '…'`). */
async function field<T>(read: Promise<T>, where: string, path?: string): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (!(error instanceof NarParseError)) throw error;
    const truncated = error.message.startsWith("NAR ends early");
    throw new ImportError(truncated ? `the export stream ends ${where}: it is truncated` : `the export stream is corrupt ${where}: ${error.message}`, path);
  }
}

/** Reads what follows a NAR: magic, path, references, deriver, signature. */
async function readTrailer(stream: FramedNarStream, store: LocalStore, temporary: string, after: string): Promise<NewPathInfo> {
  const magic = await field(stream.readNumber(), `in the header of a path${after}`);
  if (magic !== EXPORT_MAGIC) throw new ImportError(`the export stream is corrupt: a NAR${after} is not followed by the export magic number`);
  const path = await field(stream.readString(), `in the name of a path${after}`);
  checkStorePath(store, path, `the path${after}`);
  const count = await field(stream.readNumber(), `in the references of '${path}'`, path);
  const references: string[] = [];
  for (let i = 0; i < count; i++) {
    const reference = await field(stream.readString(), `in the references of '${path}'`, path);
    checkStorePath(store, reference, `a reference of '${path}'`, path);
    references.push(reference);
  }
  const deriver = await field(stream.readString(), `in the deriver of '${path}'`, path);
  if (deriver !== "") checkStorePath(store, deriver, `the deriver of '${path}'`, path);
  const signed = await field(stream.readNumber(), `after '${path}'`, path);
  if (signed === 1) await field(stream.readString(), `in the signature of '${path}'`, path);
  else if (signed !== 0) throw new ImportError(`the export stream is corrupt after '${path}': expected 0 or 1 for its signature, found ${signed}`, path);
  const { hash, narSize } = hashPathSync(temporary, "sha256");
  return { path, narHash: `sha256:${hash.toBase16()}`, narSize, deriver: deriver === "" ? undefined : deriver, references: [...new Set(references)].sort(), ca: undefined };
}

function checkStorePath(store: LocalStore, path: string, what: string, importing?: string): void {
  if (isStorePath(path, store.storeDir)) return;
  const foreign = path.startsWith("/") && path.lastIndexOf("/") > 0 ? path.slice(0, path.lastIndexOf("/")) : undefined;
  throw new ImportError(
    foreign !== undefined && isStorePath(path, foreign)
      ? `${what}, '${path}', belongs to the store '${foreign}', not to this one ('${store.storeDir}'): paths can only be imported into a store with the same directory`
      : `${what}, '${path}', is not a store path of '${store.storeDir}'`,
    importing ?? path,
  );
}

/**
 * Sets `info.ca` for a path that is what a content address makes of its
 * contents, and refuses a path without a deriver (which can only be
 * content-addressed) whose contents hash elsewhere. A path with a deriver
 * is a build output, named by its derivation: its contents cannot be
 * checked against its name.
 */
function checkContentAddress(store: LocalStore, info: NewPathInfo, temporary: string): void {
  const { name } = parseStorePath(info.path, store.storeDir);
  const others = info.references.filter((reference) => reference !== info.path);
  const selfReference = others.length !== info.references.length;
  const narHash = parseHash(info.narHash);
  if (makeFixedOutputPath("recursive", narHash, name, store.storeDir, others, selfReference) === info.path) {
    (info as { ca: string | undefined }).ca = `fixed:r:sha256:${narHash.toNixBase32()}`;
    return;
  }
  const isFile = lstatSync(temporary).isFile();
  if (isFile && info.references.length === 0) {
    const flat = hashFileSync(temporary, "sha256");
    if (makeFixedOutputPath("flat", flat, name, store.storeDir) === info.path) {
      (info as { ca: string | undefined }).ca = `fixed:sha256:${flat.toNixBase32()}`;
      return;
    }
  }
  if (isFile && !selfReference && makeTextPath(name, hashString("sha256", readFileSync(temporary)), others, store.storeDir) === info.path) return;
  // Only a derivation's output has a deriver; anything else (a source, a `.drv`, a `toFile` text) is named by its contents.
  if (info.deriver === undefined) {
    throw new ImportError(
      `'${info.path}' in the export stream has no deriver, so its path must be what its contents hash to (a source, a fixed-output file, or text such as a .drv), but it is not: its contents or references were altered`,
      info.path,
    );
  }
}
