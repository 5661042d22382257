/**
 * The derivation graph handed to a realiser: every `.drv` needed to build
 * some targets, and every source (local file or text) they use, each with
 * what a store needs to add it. It is plain data, so a realiser written
 * outside Kiln needs nothing else.
 */
import { KilnError } from "../errors.js";
import { lookupContextEntries, type SourceOrigin } from "../derivation/context.js";
import type { Derivation } from "../derivation/derivation.js";
import { drvReferences, type Drv } from "../derivation/drv.js";
import { isDerivationPath } from "../store/store-path.js";
import { dependenciesFirst } from "../util/dependencies-first.js";

/** A source in the graph: a local path or a text to add to the store. */
export interface GraphSource {
  readonly path: string;
  readonly references: readonly string[];
  readonly origin: SourceOrigin;
}

/** What a realiser is asked to build. */
export interface DerivationGraph {
  /** The store directory every path belongs to. */
  readonly storeDir: string;
  /** Every `.drv` in the closure of the targets, by path. */
  readonly derivations: ReadonlyMap<string, Drv>;
  /** Every non-derivation input source in that closure, by path. */
  readonly sources: ReadonlyMap<string, GraphSource>;
}

/** One derivation to realise, and which of its outputs are wanted. */
export interface RealiseTarget {
  readonly drvPath: string;
  readonly outputs: readonly string[];
}

/** A graph refers to a path that this process did not create. */
export class IncompleteGraphError extends KilnError {
  override name = "IncompleteGraphError";
}

/** Collects the graph of everything `roots` need, from the derivations and sources made in this process. */
export function buildDerivationGraph(roots: readonly Derivation[]): DerivationGraph {
  const storeDir = roots[0]?.storeDir ?? "/nix/store";
  const derivations = new Map<string, Drv>();
  const sources = new Map<string, GraphSource>();
  const pending: string[] = roots.map((root) => root.drvPath);
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (derivations.has(path) || sources.has(path)) continue;
    const entries = lookupContextEntries(path, storeDir);
    const entry = entries.find((candidate) => candidate.kind === "drv") ?? entries.find((candidate) => candidate.kind === "source");
    if (isDerivationPath(path) && entry?.kind === "drv") {
      derivations.set(path, entry.derivation.drv);
      pending.push(...drvReferences(entry.derivation.drv));
    } else if (entry?.kind === "source") {
      sources.set(path, { path, references: entry.references, origin: entry.origin });
      pending.push(...entry.references);
    } else {
      throw new IncompleteGraphError(`'${path}' is needed for the build but was not made by this config (no derivation, path() or toFile() produced it)`);
    }
  }
  return { storeDir, derivations, sources };
}

/** The targets for `roots`: every output of each. */
export function targetsOf(roots: readonly Derivation[]): RealiseTarget[] {
  return roots.map((root) => ({ drvPath: root.drvPath, outputs: [...root.outputNames] }));
}

/**
 * The `.drv` paths of the graph in dependency order (inputs first), limited
 * to what `targets` need.
 */
export function topologicalOrder(graph: DerivationGraph, targets: readonly RealiseTarget[]): string[] {
  return dependenciesFirst(
    targets.map((target) => target.drvPath),
    (path) => {
      const drv = graph.derivations.get(path);
      if (drv === undefined) throw new IncompleteGraphError(`derivation '${path}' is not in the graph`);
      return drv.inputDrvs.keys();
    },
  );
}
