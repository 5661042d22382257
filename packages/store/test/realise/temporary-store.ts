/** A fresh local store in a temporary directory, and a helper to build into it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDerivationGraph, derivation, setStoreDir, targetsOf, type Derivation } from "@kiln/formats";
import { LocalRealiser, LocalStore, type LocalRealiserOptions, type RealiseEvent, type RealiseOptions, type RealiseResult } from "../../src/index.js";

/** A temporary store; `dispose()` deletes it. */
export interface TemporaryStore {
  readonly root: string;
  readonly store: LocalStore;
  realise(roots: readonly Derivation[], options?: RealiseOptions & Omit<LocalRealiserOptions, "store">): Promise<RealiseResult & { events: RealiseEvent[] }>;
  dispose(): void;
}

/** Makes a store under a new temporary directory and points `derivation()` at it. */
export function temporaryStore(): TemporaryStore {
  const root = mkdtempSync(join(tmpdir(), "kiln-store-"));
  const storeDir = join(root, "store");
  setStoreDir(storeDir);
  const store = LocalStore.open({ storeDir, stateDir: join(root, "state") });
  return {
    root,
    store,
    async realise(roots, options = {}) {
      const events: RealiseEvent[] = [];
      const realiser = new LocalRealiser({
        store,
        sandbox: options.sandbox ?? false,
        ...(options.sandboxPaths ? { sandboxPaths: options.sandboxPaths } : {}),
        ...(options.allowedImpureHostPaths ? { allowedImpureHostPaths: options.allowedImpureHostPaths } : {}),
        ...(options.fetchSettings ? { fetchSettings: options.fetchSettings } : {}),
      });
      const result = await realiser.realise(buildDerivationGraph(roots), targetsOf(roots), { ...options, onEvent: (event) => events.push(event) });
      return { ...result, events };
    },
    dispose() {
      store.close();
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** A derivation whose builder is `/bin/sh -c script`, with `attrs` added. */
export function shellDerivation(name: string, script: string, attrs: Readonly<Record<string, string>> = {}): Derivation {
  return derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], ...attrs });
}
