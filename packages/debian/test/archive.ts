/**
 * What the tests against Debian's real archive share: the mirror (from the
 * host's apt sources or KILN_DEBIAN_MIRRORS), a reason to skip when it is
 * unreachable, a temporary store, and the download cache that keeps CI fast:
 * every fetched index and `.deb` is kept in a hashed mirror directory
 * (`KILN_DEBIAN_CACHE`, default `<repo>/.cache/debian`, as `.cache/sources`
 * keeps source tarballs) and taken from there on the next run.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  LocalRealiser,
  LocalStore,
  buildDerivationGraph,
  declaredOutputHash,
  downloadFile,
  fetchSettingsFromEnvironment,
  isFixedOutput,
  setStoreDir,
  targetsOf,
  type Derivation,
  type FetchSettings,
  type RealiseResult,
} from "@kiln/core";
import { debianMirrors, setDebianRealiser } from "../src/index.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The hashed mirror directory that caches downloads between runs. */
export const CACHE_DIR = resolve(process.env["KILN_DEBIAN_CACHE"] ?? join(repo, ".cache/debian"));

/** The suite the tests lock. */
export const SUITE = "bookworm";

/** Fetch settings that look in the cache first. */
export function cachedFetchSettings(): FetchSettings {
  return fetchSettingsFromEnvironment({ ...process.env, KILN_HASHED_MIRRORS: CACHE_DIR, KILN_FETCH_ATTEMPTS: "2", KILN_CONNECT_TIMEOUT: "10" });
}

/** Why the archive tests cannot run here, or `undefined` when the archive answers. */
export async function archiveUnavailable(): Promise<string | undefined> {
  let mirrors: string[];
  try {
    mirrors = debianMirrors(SUITE);
  } catch (error) {
    return `no Debian mirror is configured (${error instanceof Error ? error.message : String(error)})`;
  }
  const scratch = mkdtempSync(join(tmpdir(), "kiln-debian-probe-"));
  try {
    await downloadFile(`${mirrors[0]}dists/${SUITE}/InRelease`, join(scratch, "InRelease"), { settings: fetchSettingsFromEnvironment({ KILN_FETCH_ATTEMPTS: "1", KILN_CONNECT_TIMEOUT: "5" }) });
    return undefined;
  } catch (error) {
    return `Debian's archive is unreachable from here (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A temporary store that `derivation()` points at, with a realiser that fills the cache. */
export interface TestStore {
  readonly root: string;
  readonly store: LocalStore;
  /** Builds `roots` (downloads from the cache first, unless `fetchSettings` say otherwise); failures are in the result. */
  realise(roots: readonly Derivation[], fetchSettings?: FetchSettings): Promise<RealiseResult>;
  dispose(): void;
}

/** Copies every fixed-output file among `roots`' inputs that the store holds into the cache. */
export function fillCache(roots: readonly Derivation[]): void {
  const graph = buildDerivationGraph(roots);
  for (const [, drv] of graph.derivations) {
    if (!isFixedOutput(drv)) continue;
    const { method, hash } = declaredOutputHash(drv);
    const path = drv.outputs.get("out")?.path;
    if (method !== "flat" || hash.algorithm !== "sha256" || path === undefined || !existsSync(path) || !statSync(path).isFile()) continue;
    const cached = join(CACHE_DIR, "sha256", hash.toBase16());
    if (existsSync(cached)) continue;
    mkdirSync(dirname(cached), { recursive: true });
    copyFileSync(path, `${cached}.tmp-${process.pid}`);
    copyFileSync(`${cached}.tmp-${process.pid}`, cached);
    rmSync(`${cached}.tmp-${process.pid}`);
  }
}

/** Makes a store under a new temporary directory; indexes realised during evaluation go into it. */
export function testStore(): TestStore {
  const root = mkdtempSync(join(tmpdir(), "kiln-debian-store-"));
  const storeDir = join(root, "store");
  setStoreDir(storeDir);
  const store = LocalStore.open({ storeDir, stateDir: join(root, "state") });
  const realise = async (roots: readonly Derivation[], fetchSettings: FetchSettings = cachedFetchSettings()): Promise<RealiseResult> => {
    const realiser = new LocalRealiser({ store, sandbox: false, fetchSettings });
    const result = await realiser.realise(buildDerivationGraph(roots), targetsOf(roots));
    fillCache(roots);
    return result;
  };
  setDebianRealiser(async (derivations) => {
    const { failed } = await realise(derivations);
    if (failed.length > 0) throw new Error(failed.map((failure) => failure.message).join("\n"));
  });
  return {
    root,
    store,
    realise,
    dispose() {
      setDebianRealiser(undefined);
      store.close();
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** The text of a file. */
export function read(path: string): string {
  return readFileSync(path, "utf8");
}
