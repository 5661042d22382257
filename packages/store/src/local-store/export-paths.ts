/**
 * Exporting store paths as `nix-store --export` does: for each path a 1, its
 * NAR, the magic number, the path, its references and deriver, and a 0 for
 * "no signature"; a final 0. The stream is byte for byte what Nix 2.8
 * writes, so `nix-store --import` takes it, and carrying it to a machine
 * with no network brings a locked closure along (`kiln import` there).
 *
 * Paths are written each after the paths of the stream it refers to, so an
 * importer can register them in order. As Nix does, each NAR is hashed as it
 * is written and checked against the hash registered for the path: files
 * changed since (a store modified by hand) fail the export rather than
 * carrying the damage on.
 */
import { createHash } from "node:crypto";
import { exportNumber, exportTrailer } from "../realise/nix-export.js";
import { narChunks, dependenciesFirst } from "@kiln/formats";
import { ExportError } from "./export-stream-errors.js";
import type { LocalStore } from "./local-store.js";
import type { PathInfo } from "./store-database.js";

/** Options of {@link exportPaths}. */
export interface ExportOptions {
  /** Export the closure of the paths (everything they refer to, transitively), as `nix-store --export $(nix-store -qR …)`. */
  readonly closure?: boolean;
}

/** What {@link exportPaths} will write, and in which order. */
export interface ExportPlan {
  /** The paths in the order they are written: each after the paths of the stream it refers to. */
  readonly paths: readonly string[];
  /** The sum of their NAR sizes, in bytes (the stream is a little larger). */
  readonly narSize: number;
  /** The stream's chunks; reading them reads the store. */
  readonly chunks: Iterable<Uint8Array>;
}

/**
 * Plans the export of `paths` (store paths; with `closure`, their closures)
 * from `store`. The stream itself is produced lazily by `chunks`: pipe it
 * to a file or another process with `Readable.from(plan.chunks)`.
 *
 * @throws ExportError (at once) for a path that is not valid in `store`, and
 *   (while the chunks are read) for a path whose files no longer have the
 *   registered NAR hash.
 */
export function exportPaths(store: LocalStore, paths: readonly string[], options: ExportOptions = {}): ExportPlan {
  for (const path of paths) {
    if (!store.isValid(path)) throw new ExportError(`cannot export '${path}': it is not a valid path of the store '${store.storeDir}' (build or import it first)`);
  }
  const selected = options.closure === true ? store.closure(paths) : new Set(paths);
  const infos = new Map<string, PathInfo>();
  for (const path of selected) infos.set(path, store.pathInfo(path) as PathInfo);
  const ordered = referencesFirst(infos);
  let narSize = 0;
  for (const path of ordered) narSize += (infos.get(path) as PathInfo).narSize;
  return { paths: ordered, narSize, chunks: streamChunks(ordered.map((path) => infos.get(path) as PathInfo)) };
}

/** The paths of `infos`, sorted so that each comes after those of them it refers to; ties by path, for a stable stream. */
function referencesFirst(infos: ReadonlyMap<string, PathInfo>): string[] {
  return dependenciesFirst([...infos.keys()].sort(), (path) =>
    [...(infos.get(path) as PathInfo).references].sort().filter((reference) => reference !== path && infos.has(reference)),
  );
}

function* streamChunks(infos: readonly PathInfo[]): Generator<Uint8Array> {
  for (const info of infos) {
    yield exportNumber(1);
    const hasher = createHash("sha256");
    for (const chunk of narChunks(info.path)) {
      hasher.update(chunk);
      yield chunk;
    }
    const actual = `sha256:${hasher.digest("hex")}`;
    if (actual !== info.narHash) {
      throw new ExportError(`cannot export '${info.path}': its contents changed since it was registered (NAR hash ${info.narHash}, now ${actual}); 'kiln store verify --check-contents --repair' restores it`);
    }
    yield exportTrailer(info.path, info.references, info.deriver);
  }
  yield exportNumber(0);
}
