/**
 * `fixHashes`: realise every fetcher under an installable and, for each
 * whose hash is wrong (or empty), write the right hash into the user's
 * TypeScript source where the fetcher was called. The library side of
 * `kiln fix-hashes`; Nix has nothing like it.
 */
import {
  buildDerivationGraph,
  fetcherCallOf,
  instantiate,
  parseHash,
  type Hash,
  type EvaluateOptions,
  type RealiseEvent,
  type Realiser,
  type RealiseTarget,
} from "@kiln/core";
import { HashRepairError, rewriteHashLiterals, type HashLiteralChange, type HashLiteralFix } from "./rewrite-hash-literals.js";

/** Options of {@link fixHashes}. */
export interface FixHashesOptions extends EvaluateOptions {
  readonly realiser: Realiser;
  readonly jobs?: number;
  /** Receives the realiser's events while the sources are fetched. */
  readonly onEvent?: (event: RealiseEvent) => void;
  readonly signal?: AbortSignal;
}

/** What {@link fixHashes} did. */
export interface FixHashesResult {
  /** Fetchers checked. */
  readonly checked: number;
  /** Literals rewritten. */
  readonly changes: readonly HashLiteralChange[];
  /** Mismatches that could not be written back, with the reason. */
  readonly unfixed: readonly { readonly drvPath: string; readonly reason: string }[];
  /** Fetches that failed for another reason (no network, a 404, …). */
  readonly failed: readonly { readonly drvPath: string; readonly message: string }[];
}

/**
 * The right hash written like the wrong one was: SRI for `hash`; for a
 * legacy `sha256 = "…"`, the same encoding the user chose (hex, Nix base32)
 * when there was one, else SRI.
 */
function written(attribute: string, before: string, got: Hash): string {
  if (attribute === "hash" || before === "") return got.toSri();
  try {
    const old = parseHash(before, got.algorithm);
    if (before === old.toBase16()) return got.toBase16();
    if (before === old.toNixBase32()) return got.toNixBase32();
  } catch {
    // Unparseable before: write SRI.
  }
  return got.toSri();
}

/** Realises the fetchers of `installable` and repairs the wrong hashes in its source. */
export async function fixHashes(installable: string, options: FixHashesOptions): Promise<FixHashesResult> {
  const found = await instantiate(installable, options);
  const graph = buildDerivationGraph(found.map(({ derivation }) => derivation));
  const targets: RealiseTarget[] = [...graph.derivations.keys()].filter((drvPath) => fetcherCallOf(drvPath) !== undefined).map((drvPath) => ({ drvPath, outputs: ["out"] }));
  if (targets.length === 0) return { checked: 0, changes: [], unfixed: [], failed: [] };
  const result = await options.realiser.realise(graph, targets, {
    keepGoing: true,
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  const byFile = new Map<string, { drvPath: string; fix: HashLiteralFix }[]>();
  const unfixed: { drvPath: string; reason: string }[] = [];
  const failed: { drvPath: string; message: string }[] = [];
  for (const failure of result.failed) {
    const call = fetcherCallOf(failure.drvPath);
    if (failure.hashMismatch === undefined || call === undefined) {
      failed.push({ drvPath: failure.drvPath, message: failure.message });
      continue;
    }
    if (call.location === undefined) {
      unfixed.push({ drvPath: failure.drvPath, reason: `the ${call.fetcher} call for ${call.source} could not be located; its hash is ${failure.hashMismatch.got}` });
      continue;
    }
    const got = parseHash(failure.hashMismatch.got);
    const fix: HashLiteralFix = { line: call.location.line, column: call.location.column, attribute: call.hashAttribute, from: call.hashAsWritten, to: written(call.hashAttribute, call.hashAsWritten, got) };
    const list = byFile.get(call.location.file) ?? [];
    list.push({ drvPath: failure.drvPath, fix });
    byFile.set(call.location.file, list);
  }
  const changes: HashLiteralChange[] = [];
  for (const [file, fixes] of byFile) {
    try {
      changes.push(...rewriteHashLiterals(file, fixes.map(({ fix }) => fix)));
    } catch (error) {
      if (!(error instanceof HashRepairError)) throw error;
      // One unlocatable literal leaves the whole file untouched; report each of its fixes.
      for (const { drvPath } of fixes) unfixed.push({ drvPath, reason: error.message });
    }
  }
  return { checked: targets.length, changes, unfixed, failed };
}
