/**
 * A local Kiln store: a store directory of immutable paths plus a state
 * directory with the database (valid paths and their metadata), build logs,
 * roots and profiles.
 *
 * Every addition follows one rule: write into a temporary name inside the
 * store directory, make it canonical, rename it into place, then register it
 * in one database transaction. Small text files (`.drv` files, `toFile`
 * sources) are written straight to their paths inside that transaction, as
 * Nix writes them under its path lock. A path on disk that is not registered
 * is garbage from an interrupted run and is removed before it is made again.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { uniqueNamePart } from "./unique-name.js";
import { printAterm, drvReferences, type Drv, type DerivationGraph, type GraphSource, type Hash, type HashAlgorithm, hashFileSync, hashPathSync, hashTextSync, makeFixedOutputPath, parseStorePath, type FileIngestionMethod, lexists } from "@kiln/formats";
import { canonicalisePathMetadata, deletePathRecursively } from "./canonicalise.js";
import { writeCanonicalTextFile } from "./canonical-text-file.js";
import { currentLockOwner, PathLocks } from "./path-locks.js";
import { StoreDatabase, type NewPathInfo, type PathInfo } from "./store-database.js";
import { ValidPathIndex } from "./valid-path-index.js";
import { ensureGcReserve, releaseGcReserve } from "./gc-reserve.js";
import { assertNotNixManaged, resolveStoreLocation, stateDirInUse, storeWithoutState, type StoreLocation } from "./store-location.js";
import { replaceRootSymlink } from "./root-link.js";
import { StoreError } from "./store-error.js";

export { StoreError } from "./store-error.js";

/** Options of {@link LocalStore.open}. */
export interface OpenStoreOptions {
  readonly storeDir?: string;
  readonly stateDir?: string;
  /**
   * Give the garbage collector's space reserve back before opening, for a
   * collection on a full disk (SQLite cannot even open its database without
   * some room); `collectGarbage` makes it again when done.
   */
  readonly releaseGcReserve?: boolean;
}

/** How many `.drv` files and text sources {@link LocalStore.addGraph} registers in one transaction. */
const GRAPH_BATCH = 1000;

/** A local store. Open it with {@link LocalStore.open}; close it when done. */
export class LocalStore implements StoreLocation {
  readonly storeDir: string;
  readonly stateDir: string;
  readonly database: StoreDatabase;
  readonly locks: PathLocks;
  /** Every valid path by hash part; call `refresh()` before relying on it. */
  readonly validPaths: ValidPathIndex;

  private constructor(location: StoreLocation, releaseReserve: boolean) {
    this.storeDir = location.storeDir;
    this.stateDir = location.stateDir;
    if (releaseReserve) releaseGcReserve(this.stateDir);
    mkdirSync(this.storeDir, { recursive: true });
    mkdirSync(join(this.stateDir, "log"), { recursive: true });
    mkdirSync(join(this.stateDir, "builds"), { recursive: true });
    this.database = new StoreDatabase(join(this.stateDir, "db", "db.sqlite"));
    if (this.database.boundStoreDir() === undefined) this.refuseUnknownPaths(location);
    const recorded = this.database.bindStoreDir(this.storeDir);
    if (recorded !== this.storeDir) {
      this.database.close();
      throw stateDirInUse(location, recorded);
    }
    if (!releaseReserve) ensureGcReserve(this.stateDir);
    this.locks = new PathLocks(this.database);
    this.validPaths = new ValidPathIndex(this.database, this.storeDir);
  }

  /**
   * Before a database is bound to this store for the first time: refuses a
   * store directory full of paths the database does not know, since its
   * first gc would delete them all (a state directory moved or lost).
   */
  private refuseUnknownPaths(location: StoreLocation): void {
    const paths = readdirSync(this.storeDir)
      .filter((name) => !name.startsWith(".tmp-"))
      .map((name) => join(this.storeDir, name));
    if (paths.length === 0 || this.database.validSubset(paths).size > 0) return;
    this.database.close();
    throw storeWithoutState(location, paths.length, paths[0] as string);
  }

  /** Opens (creating if needed) the store at the given or default location. Refuses Nix's own store. */
  static open(options: OpenStoreOptions = {}): LocalStore {
    const location = resolveStoreLocation(options);
    assertNotNixManaged(location);
    return new LocalStore(location, options.releaseGcReserve === true);
  }

  /** Closes the database. */
  close(): void {
    this.database.close();
  }

  /** Whether `path` is a valid (complete, registered) store path. */
  isValid(path: string): boolean {
    return this.database.isValid(path);
  }

  /** What the store knows of a valid path. */
  pathInfo(path: string): PathInfo | undefined {
    return this.database.pathInfo(path);
  }

  /**
   * The closure of `paths`: they and everything they refer to, transitively.
   * Paths that are not valid are included as themselves.
   */
  closure(paths: Iterable<string>): Set<string> {
    const list = [...new Set(paths)];
    const result = this.database.closure(list);
    for (const path of list) result.add(path);
    return result;
  }

  /** Where the build log of `drvPath` is kept: `log/<first two hash chars>/<rest>`. */
  logPath(drvPath: string): string {
    const base = drvPath.slice(this.storeDir.length + 1);
    return join(this.stateDir, "log", base.slice(0, 2), base.slice(2));
  }

  /** A fresh temporary name inside the store directory, on the same file system as the final path. */
  temporaryPath(label: string): string {
    return join(this.storeDir, `.tmp-${uniqueNamePart()}-${label}`);
  }

  /** Removes what is at `path` if it is not a valid path (the remains of an interrupted run). */
  removeInvalid(path: string): void {
    if (!this.database.isValid(path) && existsSync(path)) deletePathRecursively(path);
  }

  /**
   * Moves a finished temporary tree to `path`, canonical and read-only, and
   * registers it. Check, move and registration happen inside one write
   * transaction: SQLite lets one writer in at a time, so two Kiln processes
   * adding the same path never delete or overwrite each other's copy. If
   * another process registered it meanwhile, the temporary copy is dropped.
   */
  private installAndRegister(temporary: string, info: NewPathInfo): void {
    canonicalisePathMetadata(temporary);
    const installed = this.database.db
      .transaction(() => {
        if (this.database.isValid(info.path)) return false;
        this.removeInvalid(info.path);
        renameSync(temporary, info.path);
        this.database.registerPaths([info]);
        return true;
      })
      .immediate();
    if (!installed) deletePathRecursively(temporary);
  }

  /**
   * Moves finished temporary trees into place and registers them all in one
   * transaction, as an import must: either every path becomes valid or none
   * does. References among them may point either way; every other reference
   * must be valid already. A path already valid keeps its copy (the
   * temporary one is dropped). Returns the paths that were added.
   */
  addPaths(items: readonly { readonly temporary: string; readonly info: NewPathInfo }[]): string[] {
    const moved: string[] = [];
    try {
      for (const { temporary } of items) canonicalisePathMetadata(temporary);
      return this.database.db
        .transaction(() => {
          const fresh = items.filter(({ info }) => !this.database.isValid(info.path));
          for (const { temporary, info } of fresh) {
            this.removeInvalid(info.path);
            renameSync(temporary, info.path);
            moved.push(info.path);
          }
          this.database.registerPaths(fresh.map(({ info }) => info));
          return fresh.map(({ info }) => info.path);
        })
        .immediate();
    } catch (error) {
      // The transaction rolled back: what was moved into place is not valid, so it goes.
      for (const path of moved) this.removeInvalid(path);
      throw error;
    } finally {
      for (const { temporary } of items) if (lexists(temporary)) deletePathRecursively(temporary);
    }
  }

  /** Adds a text file with references (a `toFile` or `.drv`) if it is not valid yet. */
  addText(path: string, text: string, references: readonly string[], deriver?: string): void {
    if (this.database.isValid(path)) return;
    this.addTexts([textItem(path, text, references, deriver)]);
  }

  /**
   * Writes text files (`.drv` files and `toFile` sources) straight to their
   * store paths and registers them, in one write transaction: either every
   * one not valid yet becomes valid or none does. The transaction is also
   * what keeps another Kiln process from writing or registering the same
   * paths meanwhile, as Nix's path locks do for its `addTextToStore`.
   * References among them must point to earlier items; every other
   * reference must be valid already.
   */
  private addTexts(items: readonly TextItem[]): void {
    const written: string[] = [];
    try {
      this.database.db
        .transaction(() => {
          const fresh = items.filter(({ info }) => !this.database.isValid(info.path));
          for (const { text, info } of fresh) {
            written.push(info.path);
            writeCanonicalTextFile(info.path, text);
          }
          this.database.registerPaths(fresh.map(({ info }) => info));
        })
        .immediate();
    } catch (error) {
      // The transaction rolled back: what was written is not valid, so it goes.
      for (const path of written) this.removeInvalid(path);
      throw error;
    }
  }

  /** Writes a `.drv` file to the store, where Nix would put it. */
  addDerivation(drvPath: string, drv: Drv): void {
    this.addText(drvPath, printAterm(drv), drvReferences(drv));
  }

  /** Copies a file or tree to a fresh temporary name inside the store directory. */
  private copyToTemporary(source: string): string {
    const temporary = this.temporaryPath("copy");
    try {
      cpSync(source, temporary, { recursive: true, verbatimSymlinks: true, preserveTimestamps: false });
    } catch (error) {
      deletePathRecursively(temporary);
      throw new StoreError(`cannot copy '${source}' into the store: ${(error as Error).message}`);
    }
    return temporary;
  }

  /**
   * Copies a local file or directory into the store at `path` (computed by
   * `path()`), checking that what was copied hashes to that path.
   */
  addLocalPath(path: string, source: string): void {
    if (this.database.isValid(path)) return;
    const temporary = this.copyToTemporary(source);
    const { hash, narSize } = hashPathSync(temporary, "sha256");
    const { name } = parseStorePath(path, this.storeDir);
    if (makeFixedOutputPath("recursive", hash, name, this.storeDir) !== path) {
      deletePathRecursively(temporary);
      throw new StoreError(`'${source}' changed since it was evaluated (it no longer hashes to '${path}'); run again`);
    }
    this.installAndRegister(temporary, { path, narHash: `sha256:${hash.toBase16()}`, narSize, deriver: undefined, references: [], ca: `fixed:r:sha256:${hash.toNixBase32()}` });
  }

  /**
   * Adds a file or tree by its content, as `nix-store --add-fixed` does: the
   * path is the fixed-output path for `name` and the `method` hash with
   * `algorithm`. Returns the path and that hash.
   */
  addFixed(source: string, name: string, method: FileIngestionMethod, algorithm: HashAlgorithm): { path: string; hash: Hash } {
    const temporary = this.copyToTemporary(source);
    const nar = hashPathSync(temporary, "sha256");
    const hash = method === "recursive" ? (algorithm === "sha256" ? nar.hash : hashPathSync(temporary, algorithm).hash) : hashFileSync(temporary, algorithm);
    const path = makeFixedOutputPath(method, hash, name, this.storeDir);
    this.installAndRegister(temporary, {
      path,
      narHash: `sha256:${nar.hash.toBase16()}`,
      narSize: nar.narSize,
      deriver: undefined,
      references: [],
      ca: `fixed:${method === "recursive" ? "r:" : ""}${algorithm}:${hash.toNixBase32()}`,
    });
    return { path, hash };
  }

  /** Adds a graph source (a `path()` or `toFile()`) if it is not valid yet. */
  addSource(source: GraphSource): void {
    if (this.database.isValid(source.path)) return;
    if (source.origin.kind === "text") this.addText(source.path, source.origin.text, source.references);
    else this.addLocalPath(source.path, source.origin.path);
  }

  /**
   * Makes every source and `.drv` of a graph valid, each after what it
   * refers to, so that the store holds the whole recipe before any build.
   * The `.drv` files and text sources are written and registered together,
   * up to 1,000 in one transaction (all of a batch or none of it, as an
   * import), rather than one transaction each.
   */
  addGraph(graph: DerivationGraph): void {
    if (graph.storeDir !== this.storeDir) {
      throw new StoreError(`the derivations were computed for store '${graph.storeDir}', but this store is '${this.storeDir}'; evaluate with --store-dir ${this.storeDir}`);
    }
    const done = new Set<string>();
    // In the order visited, so a batch refers only to itself, earlier batches and paths valid already.
    let batch: TextItem[] = [];
    const flush = (): void => {
      const items = batch;
      batch = [];
      if (items.length > 0) this.addTexts(items);
    };
    const addText = (path: string, text: string, references: readonly string[]): void => {
      batch.push(textItem(path, text, references));
      if (batch.length >= GRAPH_BATCH) flush();
    };
    const visit = (root: string): void => {
      const stack: { path: string; expanded: boolean }[] = [{ path: root, expanded: false }];
      while (stack.length > 0) {
        const frame = stack.pop() as { path: string; expanded: boolean };
        if (done.has(frame.path)) continue;
        const drv = graph.derivations.get(frame.path);
        const source = graph.sources.get(frame.path);
        if (frame.expanded) {
          done.add(frame.path);
          if (drv !== undefined) addText(frame.path, printAterm(drv), drvReferences(drv));
          else if (source?.origin.kind === "text") addText(source.path, source.origin.text, source.references);
          else if (source !== undefined) this.addSource(source);
          continue;
        }
        if (this.database.isValid(frame.path)) {
          done.add(frame.path);
          continue;
        }
        stack.push({ path: frame.path, expanded: true });
        const references = drv !== undefined ? drvReferences(drv) : (source?.references ?? []);
        for (const reference of references) if (!done.has(reference)) stack.push({ path: reference, expanded: false });
      }
    };
    for (const path of [...graph.sources.keys(), ...graph.derivations.keys()]) visit(path);
    flush();
  }

  /**
   * Registers finished build outputs (already in place) and the
   * derivation's output mapping, in one transaction. With `replace`, outputs
   * already valid (rebuilt by a repair) get the new information.
   */
  registerOutputs(infos: readonly NewPathInfo[], drvPath: string, outputs: ReadonlyMap<string, string>, replace = false): void {
    this.database.registerPaths(
      infos,
      [...outputs].map(([output, path]) => ({ drvPath, output, path })),
      { replace },
    );
  }

  /** Names in the store directory that are not valid paths: leftovers of interrupted runs. */
  invalidEntries(): string[] {
    const names = readdirSync(this.storeDir);
    const candidates = names.map((name) => join(this.storeDir, name));
    const valid = this.database.validSubset(candidates);
    return candidates.filter((path) => !valid.has(path));
  }

  /** Makes `link` a symlink to `target` and registers it as a garbage-collector root. */
  addRootLink(link: string, target: string): void {
    replaceRootSymlink(link, target);
    this.database.addRoot(link, target);
  }

  /**
   * Keeps `paths` (and their closures) from garbage collection while this
   * process runs, e.g. while `kiln run` runs a program from the store; call
   * the function returned to let go of them earlier.
   */
  holdTemporarily(paths: Iterable<string>): () => void {
    const owner = `${currentLockOwner()}:${randomBytes(4).toString("hex")}`;
    this.database.addTempRoots(paths, owner);
    return () => this.database.removeTempRoots(owner);
  }
}

/** A text file to add: its contents and what registering it takes. */
interface TextItem {
  readonly text: string;
  readonly info: NewPathInfo;
}

/** A text file's contents with its registration, hashed from memory: the NAR of a file is its bytes in a fixed frame, so the file need not be read back. */
function textItem(path: string, text: string, references: readonly string[], deriver?: string): TextItem {
  const { hash, narSize } = hashTextSync(text);
  return { text, info: { path, narHash: `sha256:${hash.toBase16()}`, narSize, deriver, references: [...new Set(references)].sort(), ca: undefined } };
}
