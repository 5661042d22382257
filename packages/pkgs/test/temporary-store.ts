/**
 * A fresh local store in a temporary directory for real builds, sandboxed
 * with bubblewrap when it is installed (as in CI). The hermetic stdenv's
 * `.deb`s are taken from the download cache the Debian tests keep
 * (`.cache/debian`), and what was downloaded goes into it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalRealiser, LocalStore, buildDerivationGraph, fetchSettingsFromEnvironment, findBubblewrap, setStoreDir, targetsOf, type Derivation, type FetchSettings, type RealiseResult } from "@kiln/core";
import { CACHE_DIR, fillCache } from "../../debian/test/archive.js";

/** Whether builds run in the sandbox: when bubblewrap is installed, unless KILN_TEST_SANDBOX=0. */
export const sandboxed = process.env["KILN_TEST_SANDBOX"] !== "0" && findBubblewrap() !== undefined;

/** Fetch settings that look in the Debian download cache first, then in `extraMirrors` (hashed mirrors too). */
export function cachedFetchSettings(extraMirrors: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): FetchSettings {
  return fetchSettingsFromEnvironment({ ...env, KILN_HASHED_MIRRORS: [CACHE_DIR, ...extraMirrors, env["KILN_HASHED_MIRRORS"] ?? ""].join(" ").trim() });
}

/** A temporary store; `dispose()` deletes it. */
export interface TemporaryStore {
  readonly root: string;
  readonly store: LocalStore;
  /** Builds `roots`, whatever happens. */
  realise(roots: readonly Derivation[]): Promise<RealiseResult>;
  /** Builds `roots` and fails with the build errors if any failed. */
  build(...roots: readonly Derivation[]): Promise<void>;
  /** The build log of a derivation. */
  log(derivation: Derivation): string;
  dispose(): void;
}

/** Makes a store under a new temporary directory and points `derivation()` at it. */
export function temporaryStore(): TemporaryStore {
  const root = mkdtempSync(join(tmpdir(), "kiln-pkgs-"));
  const storeDir = join(root, "store");
  setStoreDir(storeDir);
  const store = LocalStore.open({ storeDir, stateDir: join(root, "state") });
  const realise = async (roots: readonly Derivation[]): Promise<RealiseResult> => {
    const result = await new LocalRealiser({ store, sandbox: sandboxed, fetchSettings: cachedFetchSettings() }).realise(buildDerivationGraph(roots), targetsOf(roots), { jobs: 2 });
    fillCache(roots);
    return result;
  };
  return {
    root,
    store,
    realise,
    async build(...roots) {
      const result = await realise(roots);
      if (result.failed.length > 0) throw new Error(result.failed.map((failure) => failure.message).join("\n\n"));
    },
    log(derivation) {
      return readFileSync(store.logPath(derivation.drvPath), "utf8");
    },
    dispose() {
      store.close();
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
