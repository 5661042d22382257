/**
 * The part of `@kiln/config` that answers a command from the evaluation
 * cache, importable alone as `@kiln/config/cache-hit`: looking an
 * evaluation up without the bundler or the evaluator loaded.
 *
 * @packageDocumentation
 * @module @kiln/config/cache-hit
 */
export { EVALUATION_REUSED_NOTE, evaluationCacheEnabled, evaluationKeyOf, lookupEvaluation, type CachedEvaluation, type CachedRoot, type EvaluationKey, type EvaluationLookup } from "./evaluation-cache.js";
