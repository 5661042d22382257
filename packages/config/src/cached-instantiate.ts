/**
 * {@link instantiate} through the evaluation cache (`evaluation-cache.ts`):
 * an installable evaluated before, with nothing it read changed since,
 * gives its roots without loading the config at all. What `kiln build` and
 * `kiln instantiate` run.
 */
import { type FoundDerivation, reportWarning, recordEvaluationReads, type EvaluationReads } from "@kiln/formats";
import { instantiate, type EvaluateOptions } from "./evaluate.js";
import { EVALUATION_REUSED_NOTE, evaluationCacheEnabled, evaluationKeyOf, lookupEvaluation, saveEvaluation, type CachedRoot } from "./evaluation-cache.js";

/** Options of {@link instantiateCached}. */
export interface CachedInstantiateOptions extends EvaluateOptions {
  /** Whether to use the evaluation cache (default: unless `KILN_EVAL_CACHE=0`). */
  readonly evalCache?: boolean;
  /** Told what the cache did and why, in one line (for `-v`). */
  readonly onCacheNote?: (note: string) => void;
  /**
   * Whether the caller can do its work with the cached roots alone (say,
   * every output is built already); when not, the config is evaluated.
   */
  readonly acceptCached?: (roots: readonly CachedRoot[]) => boolean;
}

/** What {@link instantiateCached} gives. */
export interface Instantiated {
  /** Each derivation found, as the cache keeps it. */
  readonly roots: readonly CachedRoot[];
  /** The derivations themselves, when the config was evaluated; `undefined` when the cache answered. */
  readonly derivations: readonly FoundDerivation[] | undefined;
}

/** A found derivation as the cache keeps it. */
export function cachedRootOf({ attrPath, derivation }: FoundDerivation): CachedRoot {
  const outputs: Record<string, string> = {};
  for (const name of derivation.outputNames) outputs[name] = derivation.outputs[name]?.path ?? "";
  return { attrPath, drvPath: derivation.drvPath, outputNames: [...derivation.outputNames], outputs };
}

/**
 * Evaluates `installable` and returns its derivations, as {@link instantiate},
 * but takes them from the evaluation cache when nothing the last evaluation
 * read has changed, and caches a successful evaluation that read only what
 * Kiln can track. A failure is never cached.
 */
export async function instantiateCached(installable: string, options: CachedInstantiateOptions = {}): Promise<Instantiated> {
  const note = options.onCacheNote ?? ((): void => undefined);
  const enabled = options.evalCache ?? evaluationCacheEnabled();
  if (!enabled) {
    note("evaluation cache: off");
    const derivations = await instantiate(installable, options);
    return { roots: derivations.map(cachedRootOf), derivations };
  }
  const key = evaluationKeyOf(installable, options);
  const lookup = lookupEvaluation(key);
  if ("hit" in lookup) {
    if (options.acceptCached === undefined || options.acceptCached(lookup.hit.roots)) {
      note(EVALUATION_REUSED_NOTE);
      for (const warning of lookup.hit.warnings) reportWarning(warning);
      return { roots: lookup.hit.roots, derivations: undefined };
    }
    note("evaluation cache: evaluating, since the store lacks what the cached evaluation gave");
  } else {
    note(`evaluation cache: evaluating (${lookup.miss})`);
  }
  const stop = recordEvaluationReads();
  let derivations: FoundDerivation[];
  let reads: EvaluationReads | undefined;
  try {
    derivations = await instantiate(installable, options);
  } finally {
    reads = stop();
  }
  const roots = derivations.map(cachedRootOf);
  const saved = saveEvaluation(key, reads, roots);
  note(saved.saved ? "evaluation cache: saved this evaluation" : `evaluation cache: not saved: ${saved.reason}`);
  return { roots, derivations };
}
