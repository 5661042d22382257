/**
 * The part of `@kiln/core` that answers a command from the evaluation cache
 * (`@kiln/config`'s `evaluation-cache.ts`), importable alone as `@kiln/core/cache-hit`:
 * a command whose config is unchanged then loads neither the evaluator nor
 * the realisers, and starts about as fast as Node itself (Nix's no-op
 * `nix-build` parses and evaluates, but in C++ that is already loaded).
 *
 * @packageDocumentation
 * @module @kiln/core/cache-hit
 */
export { EVALUATION_REUSED_NOTE, evaluationCacheEnabled, evaluationKeyOf, lookupEvaluation, type CachedEvaluation, type CachedRoot, type EvaluationKey, type EvaluationLookup } from "@kiln/config/cache-hit";
export { ExistingStore } from "@kiln/store/cache-hit";
export { assertNotNixManaged, resolveStoreLocation } from "@kiln/store/cache-hit";
export { defaultStoreDir } from "@kiln/formats";
export { reportWarning } from "@kiln/formats";
