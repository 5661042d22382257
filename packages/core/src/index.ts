/**
 * `@kiln/core`: Nix-exact store paths, NAR, derivations, and config loading.
 *
 * @packageDocumentation
 * @module @kiln/core
 */
export { KilnError } from "./errors.js";
export { reportWarning, setWarningHandler, type WarningHandler } from "./warnings.js";

export { NIX_BASE32_ALPHABET, NixBase32Error, decodeNixBase32, encodeNixBase32, isNixBase32, nixBase32Length } from "./store/nix-base32.js";
export {
  HASH_ALGORITHMS,
  Hash,
  HashParseError,
  compressHash,
  hashByteLength,
  hashString,
  isHashAlgorithm,
  parseHash,
  parseHashAlgorithm,
  parseHashAllowEmpty,
  zeroHash,
  type HashAlgorithm,
  type HashFormat,
} from "./store/hash.js";
export {
  DEFAULT_NIX_STORE_DIR,
  STORE_PATH_HASH_LENGTH,
  STORE_PATH_NAME_MAX_LENGTH,
  InvalidStorePathError,
  InvalidStorePathNameError,
  computeTextPath,
  isDerivationPath,
  isStorePath,
  makeFixedOutputPath,
  makeOutputPath,
  makeStorePath,
  makeTextPath,
  makeTypeWithReferences,
  outputPathName,
  parseStorePath,
  storePathNameProblem,
  toStorePath,
  validateStoreDir,
  validateStorePathName,
  type FileIngestionMethod,
  type ParsedStorePath,
} from "./store/store-path.js";
export { defaultStoreDir, getStoreDir, setStoreDir } from "./store/current-store-dir.js";

export { drvReferences, declaredOutputHash, isFixedOutput, type Drv, type DrvOutput } from "./derivation/drv.js";
export { escapeAtermString, printAterm, type PrintAtermOptions } from "./derivation/aterm.js";
export { AtermParseError, parseAterm } from "./derivation/aterm-parser.js";
export { DerivationHasher, MissingDerivationError, hashDerivationModulo, type HashModulo } from "./derivation/hash-modulo.js";
export {
  DISCARDED_CONTEXT_MARK,
  StringContext,
  getStringContext,
  lookupContextEntry,
  lookupContextEntries,
  registerContextEntry,
  stripContextMarks,
  TWIN_MARK,
  takeStringContext,
  unsafeDiscardStringContext,
  type ContextDerivation,
  type ContextEntry,
  type SourceOrigin,
  type StringContextInfo,
} from "./derivation/context.js";
export { coerceToJson, coerceToString, nixJsonString, type CoercionSite, type DerivationAttrValue } from "./derivation/coerce.js";
export { DerivationError } from "./derivation/derivation-error.js";
export { Derivation, DerivationOutput, derivation, findDerivation, isDerivation, type DerivationAttrs } from "./derivation/derivation.js";
export { placeholder } from "./derivation/placeholder.js";
export { currentSystem } from "./derivation/current-system.js";
export { toShowDerivation, type ShowDerivation, type ShowDerivationOutput } from "./derivation/show-derivation.js";

export { SourcePathError, path, type PathOptions } from "./source/path.js";
export { ToFileError, toFile } from "./source/to-file.js";


export { collectDerivations, derivationClosure, type FoundDerivation } from "./graph/collect-derivations.js";
export {
  AttributeNotFoundError,
  ConfigError,
  ConfigEvaluationError,
  ConfigEvaluationStoppedError,
  ConfigExitError,
  ConfigExportError,
  ConfigImportCycleError,
  ConfigLateError,
  ConfigMissingExportError,
  ConfigNotFoundError,
  ConfigSyntaxError,
  ConfigUnsettledError,
  formatLocation,
  type SourceLocation,
} from "./config/config-errors.js";
export { formatAttrPath, parseAttrPath, selectAttrPath } from "./config/attr-path.js";
export { cachedRootOf, instantiateCached, type CachedInstantiateOptions, type Instantiated } from "./config/cached-instantiate.js";
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
} from "./config/evaluation-cache.js";
export { formatEvaluationProfile, profileEvaluation, type EvaluationProfile, type ProfileEntry } from "./config/evaluation-profile.js";
export { noteEvaluationRead, recordEvaluationReads, type EvaluationReads, type NotedRead, type SourceRead, type UntrackedRead } from "./config/evaluation-reads.js";
export { evaluateInConfig, explainConfigFailure, loadConfig, parseInstallable, resolveConfigFile, type LoadConfigOptions, type LoadedConfig } from "./config/load-config.js";
export { evaluateInstallable, findDerivations, instantiate, type EvaluateOptions, type EvaluatedInstallable } from "./config/evaluate.js";
export { stackLocations, userLocation } from "./config/source-location.js";
export { evaluationStopped, type EvaluationLimits } from "./config/evaluation-watchdog.js";

export { buildDerivationGraph, IncompleteGraphError, targetsOf, topologicalOrder, type DerivationGraph, type GraphSource, type RealiseTarget } from "./graph/derivation-graph.js";

export { ForeignStoreError, StateDirInUseError, StoreWithoutStateError, assertNotNixManaged, defaultStateDir, resolveStoreLocation, type StoreLocation } from "./local-store/store-location.js";
export { StoreDatabase, type NewPathInfo, type PathInfo } from "./local-store/store-database.js";
export { PathLocks } from "./local-store/path-locks.js";
export { canonicalisePathMetadata, deletePathRecursively } from "./local-store/canonicalise.js";
export { scanForReferences } from "./local-store/reference-scanner.js";
export { LocalStore, StoreError, type OpenStoreOptions } from "./local-store/local-store.js";
export { collectGarbage, findRoots, listRoots, type GarbageCollectOptions, type GarbageCollectResult, type GcRoot } from "./local-store/garbage-collector.js";
export { cleanUpAfterDeadProcesses, type DeadProcessCleanup } from "./local-store/dead-process-cleanup.js";
export { verifyStore, type StoreProblem, type VerifyResult } from "./local-store/verify-store.js";
export { ExportError, ImportError } from "./local-store/export-stream-errors.js";
export { exportPaths, type ExportOptions, type ExportPlan } from "./local-store/export-paths.js";
export { importPaths, type ImportOptions, type ImportResult } from "./local-store/import-paths.js";

export type { BuildFailure, Realiser, RealiseEvent, RealiseOptions, RealisePlan, RealiseResult } from "./realise/realiser.js";
export { BuildFailedError, HashMismatchError, InterruptedError } from "./realise/build-errors.js";
export { BuilderSpawnerError } from "./realise/builder-spawner.js";
export { builderEnvironment, rewriteOutputPlaceholders, structuredAttrsShell, type BuilderEnvironment, type BuilderEnvironmentOptions, type BuildDirectoryFile } from "./realise/build-environment.js";
export { DEFAULT_SANDBOX_PATHS, HOST_TOOL_SANDBOX_PATHS, SANDBOX_BLOCK_FD, SANDBOX_BUILD_DIR, SANDBOX_GID, SANDBOX_INFO_FD, SANDBOX_UID, bubblewrapArguments, findBubblewrap, findSlirp4netns, parseSandboxPaths, sandboxPathsFromEnv, type SandboxSpec } from "./realise/sandbox.js";
export { IMPURE_HOST_PATHS_ATTRIBUTE, impureHostPathsOf } from "./realise/impure-host-paths.js";
export { SANDBOX_SHELL, elfInterpreter, sandboxShellMounts, type SandboxShellMount } from "./realise/sandbox-shell.js";
export { BUILD_ROOT_ATTRIBUTE, BUILD_ROOT_DIRS, buildRootOf } from "./realise/build-root.js";
export { LocalRealiser, type LocalRealiserOptions } from "./realise/local-realiser.js";
export { DryRunRealiser } from "./realise/dry-run-realiser.js";
export { repairStore, type RepairOptions, type RepairResult } from "./realise/repair-store.js";
export { checkDeterminism, NotBuiltForCheckError, type CheckDeterminismOptions, type DeterminismFailure, type DeterminismReport } from "./realise/check-determinism.js";
export { NonDeterministicBuildError, type NonDeterminism } from "./realise/rebuild-check.js";
export { firstOutputDifference, type OutputDifference } from "./realise/output-difference.js";
export { NixRealiser, type NixRealiserOptions } from "./realise/nix-realiser.js";

export { NarDumpError, NarParseError } from "./store/nar-errors.js";
export { NAR_MAGIC, narChunks, narChunksOfText, narStream, writeNarOfPath, writeNarOfText, type NarWalkOptions } from "./store/nar-writer.js";
export { hashFile, hashFileSync, hashPath, hashPathSync, type NarHashResult } from "./store/nar-hash.js";
export { FramedNarStream, formatNarPath, parseNar, type NarPath, type NarSource, type NarVisitor } from "./store/nar-reader.js";
export { unpackNar, unpackNarFrom } from "./store/nar-unpack.js";

export { fetchurl, fetcherUrls, nameFromUrl, type FetchurlArgs } from "./fetch/fetchurl.js";
export { fetchzip, type FetchzipArgs } from "./fetch/fetchzip.js";
export { fetchFromGitHub, fetchFromGitLab, type FetchFromGitHubArgs, type FetchFromGitLabArgs } from "./fetch/fetch-from-forge.js";
export { fetchgit, gitCheckoutName, type FetchgitArgs } from "./fetch/fetchgit.js";
export { fetchpatch, type FetchpatchArgs } from "./fetch/fetchpatch.js";
export { normalisePatch, type PatchNormaliseOptions } from "./fetch/patch-normalise.js";
export { FetchError, FetcherArgumentError } from "./fetch/fetch-errors.js";
export { fetcherOutputHash, pickHashArgs, type FetcherHashArgs, type FetcherOutputHash } from "./fetch/fetcher-hash.js";
export { fetcherCallOf, type FetcherCall } from "./fetch/fetcher-registry.js";
export { fetchSettingsFromEnvironment, type FetchSettings } from "./fetch/fetch-settings.js";
export { MIRRORS, parseMirrorOverrides, resolveMirrorUrl } from "./fetch/mirrors.js";
export { hashedMirrorUrls, parseHashedMirrors } from "./fetch/hashed-mirrors.js";
export { downloadFile, type DownloadOptions } from "./fetch/download.js";
export { downloadFirst, isBuiltinBuilder, registerBuiltinBuilder, runBuiltinBuilder, type BuiltinBuildContext, type BuiltinBuilder } from "./fetch/builtin-fetchers.js";
export { fetchFixedOutput, type FetchedOutput, type FetchFixedOutputOptions } from "./fetch/fetch-fixed-output.js";
export { parsePrefetchTarget, prefetch, prefetchDerivation, type PrefetchResult, type PrefetchStore, type PrefetchTarget } from "./fetch/prefetch.js";
export { callerLocation } from "./source/caller-location.js";
export { writeFileAtomically } from "./util/write-file-atomically.js";
export { unifiedDiff } from "./util/unified-diff.js";
export { ArchiveFormatError, UnsafeArchiveError, detectArchiveFormat, unpackArchive, xzDecompress, type ArchiveFormat, type UnpackOptions } from "./fetch/archive/index.js";

export {
  ACTIVATION_MANIFEST_FILE,
  ACTIVATION_MANIFEST_VERSION,
  type ActivationManifest,
  type ActivationScript,
  type ManagedFile,
  type ManagedGroup,
  type ManagedSecret,
  type ManagedSecrets,
  type ManagedSecretTemplate,
  type ManagedUser,
  type ManifestPackage,
} from "./activation/activation-manifest.js";
export { AccountFileError, ActivationConflictError, ActivationError, ActivationManifestError, ActivationPathError } from "./activation/activation-errors.js";
export { readActivationManifest, validateActivationManifest } from "./activation/read-activation-manifest.js";
export { PACKAGE_SYSUSERS_DIR, packageAccounts, withPackageAccounts } from "./activation/package-accounts.js";
export { parseSysusers, type SysusersEntries, type SysusersUser } from "./activation/sysusers-file.js";
export { homeTarget, isLiveMachine, machineTarget, type ActivationTarget } from "./activation/activation-target.js";
export { BACKUP_SUFFIX, planFileChanges, type FileChange, type FilePlan } from "./activation/file-changes.js";
export { planAccountChanges, type AccountChanges, type AccountFiles, type CreatedAccounts, type HomeToCreate } from "./activation/account-changes.js";
export { planUnitChanges, type UnitChanges } from "./activation/unit-changes.js";
export { activateBootGeneration, bootConfiguration, type BootActivation, type BootOptions } from "./activation/boot-generation.js";
export { BOOT_UNIT, bootUnitText, installBootUnit } from "./activation/boot-unit.js";
export { planSwitch, type SwitchPlan, type SwitchPlanOptions } from "./activation/switch-plan.js";
export type { ScriptOutput } from "./activation/run-activation-scripts.js";
export { activeGeneration, activeLink, type RegisterRoot } from "./activation/activation-state.js";
export { SecretActivationError, secretsDirectory, type SecretsReport } from "./activation/secret-activation.js";
export { HOME_SECRETS_DIR, MACHINE_SECRETS_DIR, RuntimeSecretFile, Secret, homeSecret, isSecret, secret, secretAsStringHint, type SecretFileSettings, type SecretOptions } from "./secrets/secret.js";
export { SecretTemplate, homeSecretTemplate, isSecretTemplate, secretPlaceholder, secretTemplate, type SecretTemplateContext, type SecretTemplateOptions } from "./secrets/secret-template.js";
export { AgeError, SecretDeclarationError } from "./secrets/secret-errors.js";
export { ageDecrypt, ageEncrypt, ageProgram } from "./secrets/age.js";
export { SECRET_RULES_FILE, checkSecretRules, findSecretRules, recipientsOf, type SecretRule, type SecretRules } from "./secrets/secret-rules.js";
export { editSecretFile, rekeySecretFiles, type EditOutcome, type SecretFileOptions } from "./secrets/secret-files.js";
export { activate, type ActivateOptions, type ActivationReport } from "./activation/activate.js";
export { rollbackConfiguration, switchConfiguration, targetProfile, type SwitchMode, type SwitchOptions, type SwitchResult } from "./activation/switch-configuration.js";
export { Profile, type Generation } from "./profile/profile.js";
export { GenerationError } from "./profile/profile-errors.js";
export { parseAge } from "./profile/age.js";
export { diffGenerations, isEmptyDiff, type ChangedPackage, type ChangedScript, type GenerationDiff, type PackagesDiff, type ScriptsDiff } from "./profile/generation-diff.js";
export { TEXT_DIFF_LIMIT, type ChangedFile, type ChangedUnit, type FileEntry, type FilesDiff, type UnitEntry, type UnitsDiff } from "./profile/managed-files-diff.js";
export type { AccountsDiff, ChangedAccount, ChangedField } from "./profile/accounts-diff.js";
export { deleteOldGenerations, type DeletedGenerations } from "./profile/delete-old-generations.js";
export { closeNames, editDistance } from "./util/close-names.js";
export { parseDrvName, type DrvName } from "./derivation/parse-drv-name.js";
