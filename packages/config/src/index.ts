/**
 * `@kiln/config`: loading a config file: bundling it and its imports,
 * evaluating it under the watchdog, selecting attributes, and the
 * evaluation cache.
 *
 * @packageDocumentation
 * @module @kiln/config
 */
export { cachedRootOf, instantiateCached, type CachedInstantiateOptions, type Instantiated } from "./cached-instantiate.js";
export {
  EVALUATION_REUSED_NOTE,
  evaluationCacheDir,
  evaluationCacheEnabled,
  evaluationKeyOf,
  lookupEvaluation,
  saveEvaluation,
  type CachedEvaluation,
  type CachedRoot,
  type EvaluationKey,
  type EvaluationLookup,
  type EvaluationSave,
} from "./evaluation-cache.js";
export { evaluateInConfig, explainConfigFailure, loadConfig, offerToConfigs, parseInstallable, resolveConfigFile, type LoadConfigOptions, type LoadedConfig } from "./load-config.js";
export { evaluateInstallable, findDerivations, instantiate, type EvaluateOptions, type EvaluatedInstallable } from "./evaluate.js";
export { evaluationStopped, type EvaluationLimits } from "./evaluation-watchdog.js";
