/**
 * Where a local Kiln store lives: its store directory (the paths) and its
 * state directory (database, logs, locks, roots, profiles).
 *
 * The default follows the XDG base directories: `$XDG_DATA_HOME/kiln/store`
 * (`~/.local/share/kiln/store`). The state directory sits beside the store
 * as Nix's `/nix/var/nix` sits beside `/nix/store`: `<parent>/var/kiln`, or
 * wherever `KILN_STATE_DIR` says. The database records the store directory it
 * belongs to, so two stores that would share a state directory (two store
 * directories with the same parent) are told apart: the second is refused
 * with {@link StateDirInUseError} instead of garbage-collecting the first's paths.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { KilnError, validateStoreDir, defaultStoreDir } from "@kiln/formats";

/** A store directory Kiln must not manage. */
export class ForeignStoreError extends KilnError {
  override name = "ForeignStoreError";
}

/** The state directory belongs to another store directory. */
export class StateDirInUseError extends KilnError {
  override name = "StateDirInUseError";
}

/** The error for opening `location` when its state directory's database belongs to `recorded`. */
export function stateDirInUse(location: StoreLocation, recorded: string): StateDirInUseError {
  const suggestion = join(dirname(location.storeDir), "var", `kiln-${basename(location.storeDir)}`);
  return new StateDirInUseError(
    `the state directory '${location.stateDir}' belongs to the store '${recorded}', not to '${location.storeDir}' (two stores in one directory would share it). ` +
      `Give this store a state directory of its own, e.g. KILN_STATE_DIR=${suggestion}, or put it in a directory of its own.`,
  );
}

/** A store directory full of paths met a state directory that knows none of them. */
export class StoreWithoutStateError extends KilnError {
  override name = "StoreWithoutStateError";
}

/** The error for a store directory holding `count` paths (e.g. `example`) that `location`'s fresh database does not know. */
export function storeWithoutState(location: StoreLocation, count: number, example: string): StoreWithoutStateError {
  return new StoreWithoutStateError(
    `the store '${location.storeDir}' already holds ${count} paths (e.g. '${example}'), but the state directory '${location.stateDir}' has no database that knows them ` +
      `(was KILN_STATE_DIR changed, or the state directory deleted?). Point KILN_STATE_DIR at this store's state directory; ` +
      `or, to start afresh, empty '${location.storeDir}' (as it is, 'kiln gc' would delete every path in it).`,
  );
}

/** The directories of a local store. */
export interface StoreLocation {
  /** Where store paths live, e.g. `~/.local/share/kiln/store`. */
  readonly storeDir: string;
  /** Where the database, logs, locks, roots and profiles live. */
  readonly stateDir: string;
}

/** The state directory for `storeDir`: `$KILN_STATE_DIR`, else `<parent of storeDir>/var/kiln`. */
export function defaultStateDir(storeDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env["KILN_STATE_DIR"] || join(dirname(storeDir), "var", "kiln");
}

/** The location of a local store, from explicit options, then the environment, then the defaults. */
export function resolveStoreLocation(options: { storeDir?: string; stateDir?: string } = {}, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const storeDir = options.storeDir ?? defaultStoreDir(env);
  validateStoreDir(storeDir);
  return { storeDir, stateDir: options.stateDir ?? defaultStateDir(storeDir, env) };
}

/**
 * Refuses a store directory that a real Nix manages (it has a Nix database
 * beside it), since writing to it behind Nix's back would corrupt Nix's
 * store. The nix realiser is the way to build into Nix's store.
 */
export function assertNotNixManaged(location: StoreLocation): void {
  const nixDatabase = join(dirname(location.storeDir), "var", "nix", "db");
  if (existsSync(nixDatabase) || location.storeDir === "/nix/store") {
    throw new ForeignStoreError(
      `refusing to manage '${location.storeDir}': it belongs to Nix (${nixDatabase}). Use '--realiser nix' to build with Nix, or choose another '--store-dir'.`,
    );
  }
}
