/**
 * The part of `@kiln/core` that answers a command from the evaluation cache
 * (`config/evaluation-cache.ts`), importable alone as `@kiln/core/cache-hit`:
 * a command whose config is unchanged then loads neither the evaluator nor
 * the realisers, and starts about as fast as Node itself (Nix's no-op
 * `nix-build` parses and evaluates, but in C++ that is already loaded).
 *
 * @packageDocumentation
 * @module @kiln/core/cache-hit
 */
export { EVALUATION_REUSED_NOTE, evaluationCacheEnabled, evaluationKeyOf, lookupEvaluation, type CachedEvaluation, type CachedRoot, type EvaluationKey, type EvaluationLookup } from "./config/evaluation-cache.js";
export { ExistingStore } from "./local-store/existing-store.js";
export { assertNotNixManaged, resolveStoreLocation } from "./local-store/store-location.js";
export { defaultStoreDir } from "./store/current-store-dir.js";
export { reportWarning } from "./warnings.js";
