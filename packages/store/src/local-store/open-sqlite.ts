/**
 * Opening an SQLite database through better-sqlite3, as every store
 * database connection does. The native module is loaded on first use
 * (commands that never open a store do not pay for it), and from its known
 * file: better-sqlite3's own lookup searches a dozen candidate paths first,
 * about a millisecond of every start that opens a store (Nix links SQLite
 * in, so it pays nothing of the kind).
 */
import type Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let DatabaseConstructor: typeof Database | undefined;
let nativeBinding: string | undefined;

/** Opens (per `options`) the SQLite database in `file`. */
export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  if (DatabaseConstructor === undefined) {
    const require = createRequire(import.meta.url);
    DatabaseConstructor = require("better-sqlite3") as typeof Database;
    // Where its build puts it (also where a prebuilt archive unpacks); elsewhere, its own lookup finds it.
    const built = join(dirname(require.resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node");
    if (existsSync(built)) nativeBinding = built;
  }
  return new DatabaseConstructor(file, nativeBinding === undefined ? options : { ...options, nativeBinding });
}
