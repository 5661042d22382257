/**
 * A local store opened only to look into it and to add roots, for a command
 * answered from the evaluation cache: it needs to know that the paths it
 * names are valid and to make `result` links, nothing else. Opening a
 * {@link LocalStore} also makes directories, sets the database up (schema,
 * journal mode, a write transaction) and binds a new database to its store,
 * about 10 ms of a no-op `kiln build`; Nix's no-op `nix-build` likewise only
 * queries its database. Here the database must already exist and belong to
 * this store directory; otherwise there is no answer, and the caller goes
 * the long way, through `LocalStore.open`, which sets all of that up or
 * says what is wrong.
 */
import type Database from "better-sqlite3";
import { join } from "node:path";
import { openSqlite } from "./open-sqlite.js";
import { replaceRootSymlink } from "./root-link.js";
import { ADD_ROOT_SQL, BOUND_STORE_DIR_SQL } from "./store-database.js";
import { assertNotNixManaged, resolveStoreLocation, type StoreLocation } from "./store-location.js";
import { validSubsetOf } from "./valid-subset.js";

/** An existing local store, read and given roots; see {@link ExistingStore.open}. */
export class ExistingStore implements StoreLocation {
  readonly storeDir: string;
  readonly stateDir: string;
  private readonly db: Database.Database;
  private writing = false;

  private constructor(location: StoreLocation, db: Database.Database) {
    this.storeDir = location.storeDir;
    this.stateDir = location.stateDir;
    this.db = db;
  }

  /**
   * The store at the given or default location if its database exists and
   * belongs to this store directory, else `undefined`. Refuses Nix's own
   * store, as `LocalStore.open` does.
   */
  static open(options: { readonly storeDir?: string; readonly stateDir?: string } = {}): ExistingStore | undefined {
    const location = resolveStoreLocation(options);
    assertNotNixManaged(location);
    let db: Database.Database;
    try {
      db = openSqlite(join(location.stateDir, "db", "db.sqlite"), { fileMustExist: true, timeout: 120_000 });
    } catch {
      return undefined;
    }
    try {
      const bound = db.prepare<[], { value: string }>(BOUND_STORE_DIR_SQL).get()?.value;
      if (bound === location.storeDir) return new ExistingStore(location, db);
    } catch {
      // Not a store database Kiln set up (no StoreInfo table, say): the long way tells.
    }
    db.close();
    return undefined;
  }

  /** The subset of `paths` that is valid. */
  validSubset(paths: readonly string[]): Set<string> {
    return validSubsetOf(paths, (sql) => this.db.prepare<string[], { path: string }>(sql));
  }

  /** Makes `link` a symlink to `target` and registers it as a garbage-collector root, as `LocalStore.addRootLink` does. */
  addRootLink(link: string, target: string): void {
    replaceRootSymlink(link, target);
    // As every store connection that writes: durable at checkpoints, not fsynced per commit.
    if (!this.writing) this.db.pragma("synchronous = NORMAL");
    this.writing = true;
    this.db.prepare(ADD_ROOT_SQL).run(link, target);
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}
