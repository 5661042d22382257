/**
 * `@kiln/core`: Kiln in one import, for configs and programs that want all
 * of it: re-exports `@kiln/formats` (store paths, NAR, derivations, fetchers,
 * the graph), `@kiln/store` (the local store, the realisers),
 * `@kiln/activation` (activation, profiles) and `@kiln/config` (config
 * loading), under the names they have there.
 *
 * @packageDocumentation
 * @module @kiln/core
 */
import { offerToConfigs } from "@kiln/config";

// A config loaded through this package may import it without installing it, as before the split.
offerToConfigs("@kiln/core", new URL("./index.js", import.meta.url).href);

export { KilnError } from "@kiln/formats";
export { reportWarning, setWarningHandler, type WarningHandler } from "@kiln/formats";

export { NIX_BASE32_ALPHABET, NixBase32Error, decodeNixBase32, encodeNixBase32, isNixBase32, nixBase32Length } from "@kiln/formats";
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
} from "@kiln/formats";
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
} from "@kiln/formats";
export { defaultStoreDir, getStoreDir, setStoreDir } from "@kiln/formats";

export { drvReferences, declaredOutputHash, isFixedOutput, type Drv, type DrvOutput } from "@kiln/formats";
export { escapeAtermString, printAterm, type PrintAtermOptions } from "@kiln/formats";
export { AtermParseError, parseAterm } from "@kiln/formats";
export { DerivationHasher, MissingDerivationError, hashDerivationModulo, type HashModulo } from "@kiln/formats";
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
} from "@kiln/formats";
export { coerceToJson, coerceToString, nixJsonString, type CoercionSite, type DerivationAttrValue } from "@kiln/formats";
export { DerivationError } from "@kiln/formats";
export { Derivation, DerivationOutput, derivation, findDerivation, isDerivation, type DerivationAttrs } from "@kiln/formats";
export { placeholder } from "@kiln/formats";
export { currentSystem } from "@kiln/formats";
export { toShowDerivation, type ShowDerivation, type ShowDerivationOutput } from "@kiln/formats";

export { SourcePathError, path, type PathOptions } from "@kiln/formats";
export { ToFileError, toFile } from "@kiln/formats";


export { collectDerivations, derivationClosure, type FoundDerivation } from "@kiln/formats";
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
} from "@kiln/formats";
export { formatAttrPath, parseAttrPath, selectAttrPath } from "@kiln/formats";
export { cachedRootOf, instantiateCached, type CachedInstantiateOptions, type Instantiated } from "@kiln/config";
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
} from "@kiln/config";
export { formatEvaluationProfile, profileEvaluation, type EvaluationProfile, type ProfileEntry } from "@kiln/formats";
export { noteEvaluationRead, recordEvaluationReads, type EvaluationReads, type NotedRead, type SourceRead, type UntrackedRead } from "@kiln/formats";
export { evaluateInConfig, explainConfigFailure, loadConfig, parseInstallable, resolveConfigFile, type LoadConfigOptions, type LoadedConfig } from "@kiln/config";
export { evaluateInstallable, findDerivations, instantiate, type EvaluateOptions, type EvaluatedInstallable } from "@kiln/config";
export { stackLocations, userLocation } from "@kiln/formats";
export { evaluationStopped, type EvaluationLimits } from "@kiln/config";

export { buildDerivationGraph, IncompleteGraphError, targetsOf, topologicalOrder, type DerivationGraph, type GraphSource, type RealiseTarget } from "@kiln/formats";

export { ForeignStoreError, StateDirInUseError, StoreWithoutStateError, assertNotNixManaged, defaultStateDir, resolveStoreLocation, type StoreLocation } from "@kiln/store";
export { StoreDatabase, type NewPathInfo, type PathInfo } from "@kiln/store";
export { PathLocks } from "@kiln/store";
export { canonicalisePathMetadata, deletePathRecursively } from "@kiln/store";
export { scanForReferences } from "@kiln/store";
export { LocalStore, StoreError, type OpenStoreOptions } from "@kiln/store";
export { collectGarbage, findRoots, listRoots, type GarbageCollectOptions, type GarbageCollectResult, type GcRoot } from "@kiln/store";
export { cleanUpAfterDeadProcesses, type DeadProcessCleanup } from "@kiln/store";
export { verifyStore, type StoreProblem, type VerifyResult } from "@kiln/store";
export { ExportError, ImportError } from "@kiln/store";
export { exportPaths, type ExportOptions, type ExportPlan } from "@kiln/store";
export { importPaths, type ImportOptions, type ImportResult } from "@kiln/store";

export type { BuildFailure, Realiser, RealiseEvent, RealiseOptions, RealisePlan, RealiseResult } from "@kiln/store";
export { BuildFailedError, HashMismatchError, InterruptedError } from "@kiln/store";
export { builderEnvironment, rewriteOutputPlaceholders, structuredAttrsShell, type BuilderEnvironment, type BuilderEnvironmentOptions, type BuildDirectoryFile } from "@kiln/store";
export { DEFAULT_SANDBOX_PATHS, HOST_TOOL_SANDBOX_PATHS, SANDBOX_BLOCK_FD, SANDBOX_BUILD_DIR, SANDBOX_GID, SANDBOX_INFO_FD, SANDBOX_UID, bubblewrapArguments, findBubblewrap, findSlirp4netns, parseSandboxPaths, sandboxPathsFromEnv, type SandboxSpec } from "@kiln/store";
export { IMPURE_HOST_PATHS_ATTRIBUTE, impureHostPathsOf } from "@kiln/store";
export { SANDBOX_SHELL, elfInterpreter, sandboxShellMounts, type SandboxShellMount } from "@kiln/store";
export { BUILD_ROOT_ATTRIBUTE, BUILD_ROOT_DIRS, buildRootOf } from "@kiln/store";
export { LocalRealiser, type LocalRealiserOptions } from "@kiln/store";
export { DryRunRealiser } from "@kiln/store";
export { repairStore, type RepairOptions, type RepairResult } from "@kiln/store";
export { checkDeterminism, NotBuiltForCheckError, type CheckDeterminismOptions, type DeterminismFailure, type DeterminismReport } from "@kiln/store";
export { NonDeterministicBuildError, type NonDeterminism } from "@kiln/store";
export { firstOutputDifference, type OutputDifference } from "@kiln/store";
export { NixRealiser, type NixRealiserOptions } from "@kiln/store";

export { NarDumpError, NarParseError } from "@kiln/formats";
export { NAR_MAGIC, narChunks, narChunksOfText, narStream, writeNarOfPath, writeNarOfText, type NarWalkOptions } from "@kiln/formats";
export { hashFile, hashFileSync, hashPath, hashPathSync, type NarHashResult } from "@kiln/formats";
export { FramedNarStream, formatNarPath, parseNar, type NarPath, type NarSource, type NarVisitor } from "@kiln/formats";
export { unpackNar, unpackNarFrom } from "@kiln/formats";

export { fetchurl, fetcherUrls, nameFromUrl, type FetchurlArgs } from "@kiln/formats";
export { fetchzip, type FetchzipArgs } from "@kiln/formats";
export { fetchFromGitHub, fetchFromGitLab, type FetchFromGitHubArgs, type FetchFromGitLabArgs } from "@kiln/formats";
export { fetchgit, gitCheckoutName, type FetchgitArgs } from "@kiln/formats";
export { fetchpatch, type FetchpatchArgs } from "@kiln/formats";
export { normalisePatch, type PatchNormaliseOptions } from "@kiln/store";
export { FetchError, FetcherArgumentError } from "@kiln/formats";
export { fetcherOutputHash, pickHashArgs, type FetcherHashArgs, type FetcherOutputHash } from "@kiln/formats";
export { fetcherCallOf, type FetcherCall } from "@kiln/formats";
export { fetchSettingsFromEnvironment, type FetchSettings } from "@kiln/store";
export { MIRRORS, parseMirrorOverrides, resolveMirrorUrl } from "@kiln/store";
export { hashedMirrorUrls, parseHashedMirrors } from "@kiln/store";
export { downloadFile, type DownloadOptions } from "@kiln/store";
export { downloadFirst, isBuiltinBuilder, registerBuiltinBuilder, runBuiltinBuilder, type BuiltinBuildContext, type BuiltinBuilder } from "@kiln/store";
export { fetchFixedOutput, type FetchedOutput, type FetchFixedOutputOptions } from "@kiln/store";
export { parsePrefetchTarget, prefetch, prefetchDerivation, type PrefetchResult, type PrefetchStore, type PrefetchTarget } from "@kiln/store";
export { callerLocation } from "@kiln/formats";
export { writeFileAtomically } from "@kiln/formats";
export { unifiedDiff } from "@kiln/formats";
export { ArchiveFormatError, UnsafeArchiveError, detectArchiveFormat, unpackArchive, xzDecompress, type ArchiveFormat, type UnpackOptions } from "@kiln/store";

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
} from "@kiln/formats";
export { AccountFileError, ActivationConflictError, ActivationError, ActivationManifestError, ActivationPathError } from "@kiln/activation";
export { readActivationManifest, validateActivationManifest } from "@kiln/activation";
export { PACKAGE_SYSUSERS_DIR, packageAccounts, withPackageAccounts } from "@kiln/activation";
export { parseSysusers, type SysusersEntries, type SysusersUser } from "@kiln/activation";
export { homeTarget, isLiveMachine, machineTarget, type ActivationTarget } from "@kiln/activation";
export { BACKUP_SUFFIX, planFileChanges, type FileChange, type FilePlan } from "@kiln/activation";
export { planAccountChanges, type AccountChanges, type AccountFiles, type CreatedAccounts, type HomeToCreate } from "@kiln/activation";
export { planUnitChanges, type UnitChanges } from "@kiln/activation";
export { activateBootGeneration, bootConfiguration, type BootActivation, type BootOptions } from "@kiln/activation";
export { BOOT_UNIT, bootUnitText, installBootUnit } from "@kiln/activation";
export { planSwitch, type SwitchPlan, type SwitchPlanOptions } from "@kiln/activation";
export type { ScriptOutput } from "@kiln/activation";
export { activeGeneration, activeLink, type RegisterRoot } from "@kiln/activation";
export { SecretActivationError, secretsDirectory, type SecretsReport } from "@kiln/activation";
export { HOME_SECRETS_DIR, MACHINE_SECRETS_DIR, RuntimeSecretFile, Secret, homeSecret, isSecret, secret, secretAsStringHint, type SecretFileSettings, type SecretOptions } from "@kiln/formats";
export { SecretTemplate, homeSecretTemplate, isSecretTemplate, secretPlaceholder, secretTemplate, type SecretTemplateContext, type SecretTemplateOptions } from "@kiln/formats";
export { AgeError, SecretDeclarationError } from "@kiln/formats";
export { ageDecrypt, ageEncrypt, ageProgram } from "@kiln/activation";
export { SECRET_RULES_FILE, checkSecretRules, findSecretRules, recipientsOf, type SecretRule, type SecretRules } from "@kiln/activation";
export { editSecretFile, rekeySecretFiles, type EditOutcome, type SecretFileOptions } from "@kiln/activation";
export { activate, type ActivateOptions, type ActivationReport } from "@kiln/activation";
export { rollbackConfiguration, switchConfiguration, targetProfile, type SwitchMode, type SwitchOptions, type SwitchResult } from "@kiln/activation";
export { Profile, type Generation } from "@kiln/activation";
export { GenerationError } from "@kiln/activation";
export { parseAge } from "@kiln/activation";
export { diffGenerations, isEmptyDiff, type ChangedPackage, type ChangedScript, type GenerationDiff, type PackagesDiff, type ScriptsDiff } from "@kiln/activation";
export { TEXT_DIFF_LIMIT, type ChangedFile, type ChangedUnit, type FileEntry, type FilesDiff, type UnitEntry, type UnitsDiff } from "@kiln/activation";
export type { AccountsDiff, ChangedAccount, ChangedField } from "@kiln/activation";
export { deleteOldGenerations, type DeletedGenerations } from "@kiln/activation";
export { closeNames, editDistance } from "@kiln/formats";
export { parseDrvName, type DrvName } from "@kiln/formats";
