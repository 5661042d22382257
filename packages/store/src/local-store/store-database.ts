/**
 * The local store's SQLite database: which store paths are valid, with
 * their NAR hash and size, deriver, registration time and references; which
 * outputs each derivation has; garbage-collector roots; and build locks.
 *
 * A path is valid exactly when it has a row in `ValidPaths`, and rows are
 * written in one transaction only after the path is complete on disk, so a
 * crash at any moment leaves no incomplete path registered. The layout
 * follows Nix's own `db.sqlite` (ValidPaths, Refs, DerivationOutputs).
 */
import type Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openSqlite } from "./open-sqlite.js";
import { validSubsetOf } from "./valid-subset.js";

/** What the store knows of a valid path, as `nix path-info --json` shows it. */
export interface PathInfo {
  readonly path: string;
  /** `sha256:<base16>`, as Nix stores it. */
  readonly narHash: string;
  readonly narSize: number;
  readonly deriver: string | undefined;
  /** Seconds since the epoch. */
  readonly registrationTime: number;
  readonly references: readonly string[];
  /** Content address for fixed-output and source paths, e.g. `fixed:r:sha256:<base32>`. */
  readonly ca: string | undefined;
}

/** What is needed to register a new valid path. */
export type NewPathInfo = Omit<PathInfo, "registrationTime">;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ValidPaths (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT UNIQUE NOT NULL,
  hash TEXT NOT NULL,
  registrationTime INTEGER NOT NULL,
  deriver TEXT,
  narSize INTEGER,
  ca TEXT
);
CREATE TABLE IF NOT EXISTS Refs (
  referrer INTEGER NOT NULL REFERENCES ValidPaths(id) ON DELETE CASCADE,
  reference INTEGER NOT NULL REFERENCES ValidPaths(id) ON DELETE RESTRICT,
  PRIMARY KEY (referrer, reference)
);
CREATE INDEX IF NOT EXISTS IndexReferrer ON Refs(referrer);
CREATE INDEX IF NOT EXISTS IndexReference ON Refs(reference);
CREATE TABLE IF NOT EXISTS DerivationOutputs (
  drv INTEGER NOT NULL REFERENCES ValidPaths(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  path TEXT NOT NULL,
  PRIMARY KEY (drv, id)
);
CREATE INDEX IF NOT EXISTS IndexDerivationOutputs ON DerivationOutputs(path);
CREATE TABLE IF NOT EXISTS Roots (
  link TEXT PRIMARY KEY,
  target TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS TempRoots (
  path TEXT NOT NULL,
  owner TEXT NOT NULL,
  PRIMARY KEY (path, owner)
);
CREATE TABLE IF NOT EXISTS StoreInfo (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS Locks (
  path TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  owner TEXT NOT NULL,
  acquired INTEGER NOT NULL,
  builder TEXT
);
`;

/** Records a garbage-collector root (a link and the store path it points to), replacing an older record of the link. */
export const ADD_ROOT_SQL = "INSERT OR REPLACE INTO Roots (link, target) VALUES (?, ?)";

/** The store directory a database belongs to (see {@link StoreDatabase.bindStoreDir}). */
export const BOUND_STORE_DIR_SQL = "SELECT value FROM StoreInfo WHERE name = 'storeDir'";

interface ValidPathRow {
  id: number;
  path: string;
  hash: string;
  registrationTime: number;
  deriver: string | null;
  narSize: number | null;
  ca: string | null;
}

/**
 * Switches the database to WAL mode. On a new database two processes may do
 * this at once, and SQLite then answers SQLITE_BUSY without waiting for the
 * busy timeout, so retry for a while.
 */
function setWalMode(db: Database.Database): void {
  const deadline = Date.now() + 60_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 10 + Math.random() * 40);
    }
  }
}

/** Typed access to the store database. One instance per process and store. */
export class StoreDatabase {
  /** The underlying connection, for transactions spanning several calls. */
  readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = openSqlite(file, { timeout: 120_000 });
    setWalMode(this.db);
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
    // Every write transaction begins IMMEDIATE: in WAL mode a deferred one that
    // reads, then writes, fails at once with SQLITE_BUSY when another process
    // committed in between, instead of waiting for the busy timeout.
    this.db
      .transaction(() => {
        this.db.exec(SCHEMA);
        // Stores made before builders were recorded with their locks lack the column.
        const lockColumns = this.db.prepare<[], { name: string }>("PRAGMA table_info(Locks)").all();
        if (!lockColumns.some((column) => column.name === "builder")) this.db.exec("ALTER TABLE Locks ADD COLUMN builder TEXT");
      })
      .immediate();
    const db = this.db;
    this.statements = {
      idOf: db.prepare<[string], { id: number }>("SELECT id FROM ValidPaths WHERE path = ?"),
      row: db.prepare<[string], ValidPathRow>("SELECT * FROM ValidPaths WHERE path = ?"),
      references: db.prepare<[number], { path: string }>("SELECT v.path AS path FROM Refs r JOIN ValidPaths v ON v.id = r.reference WHERE r.referrer = ? ORDER BY v.path"),
      referrers: db.prepare<[number], { path: string }>("SELECT v.path AS path FROM Refs r JOIN ValidPaths v ON v.id = r.referrer WHERE r.reference = ? ORDER BY v.path"),
      insert: db.prepare("INSERT INTO ValidPaths (path, hash, registrationTime, deriver, narSize, ca) VALUES (?, ?, ?, ?, ?, ?)"),
      insertRef: db.prepare("INSERT OR IGNORE INTO Refs (referrer, reference) VALUES (?, ?)"),
      insertOutput: db.prepare("INSERT OR REPLACE INTO DerivationOutputs (drv, id, path) VALUES (?, ?, ?)"),
      outputs: db.prepare<[number], { id: string; path: string }>("SELECT id, path FROM DerivationOutputs WHERE drv = ? ORDER BY id"),
      deriversOf: db.prepare<[string], { path: string }>("SELECT v.path AS path FROM DerivationOutputs o JOIN ValidPaths v ON v.id = o.drv WHERE o.path = ?"),
      deleteRefsFrom: db.prepare("DELETE FROM Refs WHERE referrer = ?"),
      deletePath: db.prepare("DELETE FROM ValidPaths WHERE id = ?"),
      allPaths: db.prepare<[], { path: string }>("SELECT path FROM ValidPaths ORDER BY path"),
      allRoots: db.prepare<[], { link: string; target: string }>("SELECT link, target FROM Roots ORDER BY link"),
      addRoot: db.prepare(ADD_ROOT_SQL),
      removeRoot: db.prepare("DELETE FROM Roots WHERE link = ?"),
    };
  }

  private readonly prepared = new Map<string, Database.Statement>();

  /** A prepared statement for `sql`, prepared once per connection. */
  statement<Parameters extends unknown[] = unknown[], Row = unknown>(sql: string): Database.Statement<Parameters, Row> {
    let prepared = this.prepared.get(sql);
    if (prepared === undefined) {
      prepared = this.db.prepare(sql);
      this.prepared.set(sql, prepared);
    }
    return prepared as Database.Statement<Parameters, Row>;
  }

  /** Whether `path` is valid. */
  isValid(path: string): boolean {
    return this.statements.idOf.get(path) !== undefined;
  }

  /** The subset of `paths` that is valid, in one query per 500 paths. */
  validSubset(paths: readonly string[]): Set<string> {
    return validSubsetOf(paths, (sql) => this.statement<string[], { path: string }>(sql));
  }

  /** Everything known of a valid path, or `undefined`. */
  pathInfo(path: string): PathInfo | undefined {
    const row = this.statements.row.get(path);
    if (row === undefined) return undefined;
    return {
      path: row.path,
      narHash: row.hash,
      narSize: row.narSize ?? 0,
      deriver: row.deriver ?? undefined,
      registrationTime: row.registrationTime,
      references: this.statements.references.all(row.id).map((reference) => reference.path),
      ca: row.ca ?? undefined,
    };
  }

  /** The closure of `paths` (they and everything they refer to, transitively), in one recursive query. */
  closure(paths: readonly string[]): Set<string> {
    const result = new Set<string>();
    for (let start = 0; start < paths.length; start += 500) {
      const chunk = paths.slice(start, start + 500);
      const rows = this
        .statement<string[], { path: string }>(
          `WITH RECURSIVE closure(id) AS (
             SELECT id FROM ValidPaths WHERE path IN (${chunk.map(() => "?").join(",")})
             UNION SELECT r.reference FROM Refs r JOIN closure c ON r.referrer = c.id
           ) SELECT v.path AS path FROM ValidPaths v JOIN closure c ON v.id = c.id`,
        )
        .all(...chunk);
      for (const row of rows) result.add(row.path);
    }
    return result;
  }

  /** The valid paths that refer to `path`. */
  referrers(path: string): string[] {
    const id = this.statements.idOf.get(path)?.id;
    return id === undefined ? [] : this.statements.referrers.all(id).map((row) => row.path);
  }

  /**
   * Registers paths as valid, all or none. References may point at each other
   * or at paths already valid; each must be valid once the transaction ends.
   * Paths already valid are left as they are, unless `replace` is set.
   */
  registerPaths(infos: readonly NewPathInfo[], derivationOutputs: readonly { drvPath: string; output: string; path: string }[] = [], options: { readonly replace?: boolean } = {}): void {
    const now = Math.floor(Date.now() / 1000);
    this.db.transaction(() => {
      for (const info of infos) {
        const existing = this.statements.idOf.get(info.path)?.id;
        if (existing !== undefined) {
          // A repaired path keeps its row (others refer to it) and gets what the new copy is.
          if (options.replace === true) {
            this.statement("UPDATE ValidPaths SET hash = ?, registrationTime = ?, deriver = ?, narSize = ?, ca = ? WHERE id = ?").run(info.narHash, now, info.deriver ?? null, info.narSize, info.ca ?? null, existing);
            this.statements.deleteRefsFrom.run(existing);
          }
          continue;
        }
        this.statements.insert.run(info.path, info.narHash, now, info.deriver ?? null, info.narSize, info.ca ?? null);
      }
      for (const info of infos) {
        const referrer = this.statements.idOf.get(info.path)?.id as number;
        for (const reference of info.references) {
          const target = this.statements.idOf.get(reference)?.id;
          if (target === undefined) throw new Error(`cannot register '${info.path}': its reference '${reference}' is not valid`);
          this.statements.insertRef.run(referrer, target);
        }
      }
      for (const { drvPath, output, path } of derivationOutputs) {
        const drv = this.statements.idOf.get(drvPath)?.id;
        if (drv !== undefined) this.statements.insertOutput.run(drv, output, path);
      }
    }).immediate();
  }

  /** Records the outputs of a derivation whose `.drv` is valid. */
  registerDerivationOutputs(drvPath: string, outputs: ReadonlyMap<string, string>): void {
    this.registerPaths([], [...outputs].map(([output, path]) => ({ drvPath, output, path })));
  }

  /** The outputs recorded for a derivation. */
  derivationOutputs(drvPath: string): Map<string, string> {
    const id = this.statements.idOf.get(drvPath)?.id;
    return new Map(id === undefined ? [] : this.statements.outputs.all(id).map((row) => [row.id, row.path]));
  }

  /** The valid `.drv` paths recorded as producing `path`. */
  derivers(path: string): string[] {
    return this.statements.deriversOf.all(path).map((row) => row.path);
  }

  /** Valid paths registered after row `afterId`, with their row ids, in order. */
  validPathsSince(afterId: number): { id: number; path: string }[] {
    return this.statement<[number], { id: number; path: string }>("SELECT id, path FROM ValidPaths WHERE id > ? ORDER BY id").all(afterId);
  }

  /** Every valid path, sorted. */
  allValidPaths(): string[] {
    return this.statements.allPaths.all().map((row) => row.path);
  }

  /** Makes paths invalid (in one transaction). Fails if a path still referred to by another valid path stays. */
  invalidatePaths(paths: readonly string[]): void {
    this.db.transaction(() => {
      const ids = paths.map((path) => this.statements.idOf.get(path)?.id).filter((id): id is number => id !== undefined);
      for (const id of ids) this.statements.deleteRefsFrom.run(id);
      for (const id of ids) this.statements.deletePath.run(id);
    }).immediate();
  }

  /** Every registered root: a symlink and the store path it pointed at when registered. */
  roots(): { link: string; target: string }[] {
    return this.statements.allRoots.all();
  }

  /** Registers `link` (a symlink to `target`) as a garbage-collector root. */
  addRoot(link: string, target: string): void {
    this.statements.addRoot.run(link, target);
  }

  /** Forgets a root. */
  removeRoot(link: string): void {
    this.statements.removeRoot.run(link);
  }

  /** Protects `paths` from garbage collection while the process `owner` lives. */
  addTempRoots(paths: Iterable<string>, owner: string): void {
    const insert = this.statement("INSERT OR IGNORE INTO TempRoots (path, owner) VALUES (?, ?)");
    this.db.transaction(() => {
      for (const path of paths) insert.run(path, owner);
    }).immediate();
  }

  /** Drops the temporary roots of `owner`; returns how many there were. */
  removeTempRoots(owner: string): number {
    return this.statement("DELETE FROM TempRoots WHERE owner = ?").run(owner).changes;
  }

  /** The owners of temporary roots. */
  tempRootOwners(): string[] {
    return this.statement<[], { owner: string }>("SELECT DISTINCT owner FROM TempRoots").all().map((row) => row.owner);
  }

  /** Every temporary root with its owner. */
  tempRoots(): { path: string; owner: string }[] {
    return this.statement<[], { path: string; owner: string }>("SELECT path, owner FROM TempRoots").all();
  }

  /**
   * The store directory this database belongs to, recorded on first use.
   * Databases made by older Kiln versions record none; the first store to
   * open one claims it.
   */
  boundStoreDir(): string | undefined {
    return this.statement<[], { value: string }>(BOUND_STORE_DIR_SQL).get()?.value;
  }

  /**
   * Records `storeDir` as this database's store directory, unless one is
   * recorded already. Returns the recorded one.
   */
  bindStoreDir(storeDir: string): string {
    const recorded = this.boundStoreDir();
    if (recorded !== undefined) return recorded;
    return this.db
      .transaction(() => {
        const bound = this.boundStoreDir();
        if (bound !== undefined) return bound;
        this.statement("INSERT INTO StoreInfo (name, value) VALUES ('storeDir', ?)").run(storeDir);
        return storeDir;
      })
      .immediate();
  }

  /** Closes the connection. */
  close(): void {
    this.db.close();
  }
}
