/**
 * The store directory that derivations are computed for.
 *
 * A `kiln.ts` calls `derivation()` while it is being imported, before any
 * caller could pass options, so the store directory is process-wide state:
 * the CLI sets it from `--store-dir` before loading a config. It lives on
 * `globalThis` under a registered symbol so that two copies of `@kiln/core`
 * in one process (the CLI's and a config's own) agree on it.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { validateStoreDir } from "./store-path.js";

const KEY = Symbol.for("kiln.core.storeDir");

interface StoreDirHolder {
  [KEY]?: string;
}

/**
 * The default store directory: `$KILN_STORE_DIR`, else the local Kiln store
 * at `$XDG_DATA_HOME/kiln/store` (`~/.local/share/kiln/store`).
 */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["KILN_STORE_DIR"]) return env["KILN_STORE_DIR"];
  const dataHome = env["XDG_DATA_HOME"] || join(env["HOME"] || homedir(), ".local", "share");
  return join(dataHome, "kiln", "store");
}

/** The store directory new derivations and sources are computed for (see {@link setStoreDir} and {@link defaultStoreDir}). */
export function getStoreDir(): string {
  return (globalThis as StoreDirHolder)[KEY] ?? defaultStoreDir();
}

/** Sets the store directory for derivations computed from now on. */
export function setStoreDir(storeDir: string): void {
  validateStoreDir(storeDir);
  (globalThis as StoreDirHolder)[KEY] = storeDir;
}
