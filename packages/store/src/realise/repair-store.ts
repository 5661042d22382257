/**
 * Repairing a store, as `nix-store --verify --check-contents --repair`:
 * every valid path that is missing or whose contents changed is built or
 * fetched again from the derivation that made it (its `.drv`, kept by the
 * garbage collector with every live path), replacing the damaged copy. A
 * path no derivation makes (a `path()` source, a `.drv`) that nothing
 * refers to is forgotten instead, and added again when next needed, as Nix
 * forgets a path that disappeared; one that valid paths still refer to
 * cannot be repaired, and says why.
 */
import { readFileSync } from "node:fs";
import { lexists, parseAterm, type Drv, type DerivationGraph } from "@kiln/formats";
import { deletePathRecursively } from "../local-store/canonicalise.js";
import type { LocalStore } from "../local-store/local-store.js";
import type { StoreProblem } from "../local-store/verify-store.js";
import type { FetchSettings } from "../fetch/fetch-settings.js";
import { LocalRealiser } from "./local-realiser.js";
import type { BuildFailure, RealiseEvent } from "./realiser.js";

/** Options of {@link repairStore}. */
export interface RepairOptions {
  /** As {@link LocalRealiserOptions.sandbox}. */
  readonly sandbox?: boolean | "auto";
  /** How fetches download (default: from the environment). */
  readonly fetchSettings?: FetchSettings;
  /** Receives the rebuilds' events. */
  readonly onEvent?: (event: RealiseEvent) => void;
}

/** What {@link repairStore} did. */
export interface RepairResult {
  /** Paths built or fetched again. */
  readonly rebuilt: readonly string[];
  /** Paths no derivation makes and nothing refers to, made invalid (added again when next needed). */
  readonly forgotten: readonly string[];
  /** Paths that could not be repaired, with why. */
  readonly unrepairable: readonly { readonly path: string; readonly reason: string }[];
  /** Rebuilds that failed. */
  readonly failed: readonly BuildFailure[];
}

/**
 * Reads `root` and every `.drv` it needs from the store into `into`; false,
 * reading nothing into it, when one of them is missing or itself broken
 * (that derivation cannot be rebuilt from this store).
 */
function readDerivationClosure(root: string, into: Map<string, Drv>, broken: ReadonlySet<string>): boolean {
  const read = new Map<string, Drv>();
  const pending = [root];
  while (pending.length > 0) {
    const drvPath = pending.pop() as string;
    if (read.has(drvPath) || into.has(drvPath)) continue;
    if (broken.has(drvPath) || !lexists(drvPath)) return false;
    const drv = parseAterm(readFileSync(drvPath, "utf8"), drvPath);
    read.set(drvPath, drv);
    pending.push(...drv.inputDrvs.keys());
  }
  for (const [drvPath, drv] of read) into.set(drvPath, drv);
  return true;
}

/** Repairs the missing and modified paths among `problems` (from `verifyStore`). */
export async function repairStore(store: LocalStore, problems: readonly StoreProblem[], options: RepairOptions = {}): Promise<RepairResult> {
  const broken = new Set(problems.filter((problem) => problem.kind === "missing" || problem.kind === "modified").map((problem) => problem.path));
  const derivers = new Set<string>();
  const derivations = new Map<string, Drv>();
  const rebuilt: string[] = [];
  const forgotten: string[] = [];
  const unrepairable: { path: string; reason: string }[] = [];
  for (const path of broken) {
    const info = store.pathInfo(path);
    if (info === undefined) continue;
    const candidates = [...(info.deriver !== undefined ? [info.deriver] : []), ...store.database.derivers(path)];
    const deriver = candidates.find((drvPath) => store.isValid(drvPath) && readDerivationClosure(drvPath, derivations, broken));
    if (deriver !== undefined) {
      derivers.add(deriver);
      rebuilt.push(path);
      continue;
    }
    const referrers = store.database.referrers(path).filter((referrer) => referrer !== path);
    if (referrers.length === 0) {
      // Forgotten first: should the database refuse, the files stay as they were.
      store.database.invalidatePaths([path]);
      deletePathRecursively(path);
      forgotten.push(path);
    } else {
      unrepairable.push({ path, reason: `no derivation known to this store makes it, and ${referrers.length} valid paths refer to it (e.g. '${referrers[0]}')` });
    }
  }
  if (derivers.size === 0) return { rebuilt: [], forgotten, unrepairable, failed: [] };
  const graph: DerivationGraph = { storeDir: store.storeDir, derivations, sources: new Map() };
  const realiser = new LocalRealiser({
    store,
    repair: derivers,
    ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}),
    ...(options.fetchSettings !== undefined ? { fetchSettings: options.fetchSettings } : {}),
  });
  const targets = [...derivers].map((drvPath) => ({ drvPath, outputs: [...(graph.derivations.get(drvPath)?.outputs.keys() ?? [])] }));
  const result = await realiser.realise(graph, targets, { keepGoing: true, ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}) });
  const failedDrvs = new Set(result.failed.map((failure) => failure.drvPath));
  const failedPaths = new Set([...failedDrvs].flatMap((drvPath) => [...(graph.derivations.get(drvPath)?.outputs.values() ?? [])].map((output) => output.path)));
  return { rebuilt: rebuilt.filter((path) => !failedPaths.has(path)), forgotten, unrepairable, failed: result.failed };
}
