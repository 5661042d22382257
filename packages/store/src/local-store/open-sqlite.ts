/**
 * Opening an SQLite database through better-sqlite3, as every store
 * database connection does. The native module is loaded on first use
 * (commands that never open a store do not pay for it), and from its known
 * file: better-sqlite3's own lookup searches a dozen candidate paths first,
 * about a millisecond of every start that opens a store (Nix links SQLite
 * in, so it pays nothing of the kind). The installed CLI also carries
 * better-sqlite3's JavaScript bundled into one file, named after the version
 * it was bundled from (scripts/pack-cli.js writes it beside this package's
 * dist): loading it is about 3 ms less than loading the package's dozen
 * files, which a command answered from the evaluation cache feels. It is used
 * only beside the very same version of the package, whose native module it
 * drives; anything else loads the package itself.
 */
import type Database from "better-sqlite3";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let DatabaseConstructor: typeof Database | undefined;
let nativeBinding: string | undefined;

/** The file of better-sqlite3's JavaScript bundled for `version`, as pack-cli names it. */
export function bundledSqliteFile(version: string): string {
  return `better-sqlite3-${version}.cjs`;
}

/** better-sqlite3's bundled JavaScript if it was bundled from the installed package's version, else the package itself. */
function loadDatabaseConstructor(require: NodeJS.Require, packageDir: string): typeof Database {
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version?: unknown };
  if (typeof version === "string") {
    const bundled = fileURLToPath(new URL(`../${bundledSqliteFile(version)}`, import.meta.url));
    if (existsSync(bundled)) return require(bundled) as typeof Database;
  }
  return require("better-sqlite3") as typeof Database;
}

/** Opens (per `options`) the SQLite database in `file`. */
export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  if (DatabaseConstructor === undefined) {
    const require = createRequire(import.meta.url);
    const packageDir = dirname(require.resolve("better-sqlite3/package.json"));
    // Where its build puts it (also where a prebuilt archive unpacks); elsewhere, its own lookup finds it.
    const built = join(packageDir, "build", "Release", "better_sqlite3.node");
    if (existsSync(built)) nativeBinding = built;
    // The bundled copy finds no native module by itself: it is used only with the known file.
    DatabaseConstructor = nativeBinding !== undefined ? loadDatabaseConstructor(require, packageDir) : (require("better-sqlite3") as typeof Database);
  }
  return new DatabaseConstructor(file, nativeBinding === undefined ? options : { ...options, nativeBinding });
}
