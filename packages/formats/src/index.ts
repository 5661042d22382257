/**
 * `@kiln/formats`: what a config computes with, byte-for-byte as Nix does:
 * Nix base32, hashes, store paths, NAR, ATerm, `derivation()` with Nix's
 * string context, `path()` and `toFile()`, the fetcher declarations
 * (`fetchurl`, `fetchgit`…), secrets as declared, the derivation graph, and
 * what a config's evaluation reports (its reads, its profile, its errors,
 * where in the user's files they happened). It runs no build and opens no
 * store: that is `@kiln/store`.
 *
 * @packageDocumentation
 * @module @kiln/formats
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
  type UsedOutputs,
} from "./derivation/context.js";
export { coerceToJson, coerceToString, nixJsonString, type CoercionSite, type DerivationAttrValue } from "./derivation/coerce.js";
export { DerivationError } from "./derivation/derivation-error.js";
export { Derivation, DerivationOutput, derivation, derivationPathsComputed, findDerivation, isDerivation, type DerivationAttrs } from "./derivation/derivation.js";
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
} from "./evaluation/config-errors.js";
export { formatAttrPath, parseAttrPath, selectAttrPath } from "./evaluation/attr-path.js";
export { formatEvaluationProfile, profileEvaluation, type EvaluationProfile, type ProfileEntry } from "./evaluation/evaluation-profile.js";
export { noteEvaluationRead, recordEvaluationReads, type EvaluationReads, type NotedRead, type SourceRead, type UntrackedRead } from "./evaluation/evaluation-reads.js";
export { stackLocations, userLocation } from "./source/source-location.js";
export { buildDerivationGraph, IncompleteGraphError, targetsOf, topologicalOrder, type DerivationGraph, type GraphSource, type RealiseTarget } from "./graph/derivation-graph.js";
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
export { FetchError, FetcherArgumentError } from "./fetch/fetch-errors.js";
export { fetcherOutputHash, pickHashArgs, type FetcherHashArgs, type FetcherOutputHash } from "./fetch/fetcher-hash.js";
export { fetcherCallOf, type FetcherCall } from "./fetch/fetcher-registry.js";
export { callerLocation } from "./source/caller-location.js";
export { writeFileAtomically } from "./util/write-file-atomically.js";
export { unifiedDiff } from "./util/unified-diff.js";
export { HOME_SECRETS_DIR, MACHINE_SECRETS_DIR, RuntimeSecretFile, Secret, homeSecret, isSecret, secret, secretAsStringHint, type SecretFileSettings, type SecretOptions } from "./secrets/secret.js";
export { SecretTemplate, homeSecretTemplate, isSecretTemplate, secretPlaceholder, secretTemplate, type SecretTemplateContext, type SecretTemplateOptions } from "./secrets/secret-template.js";
export { AgeError, SecretDeclarationError } from "./secrets/secret-errors.js";
export { closeNames, editDistance } from "./util/close-names.js";
export { parseDrvName, type DrvName } from "./derivation/parse-drv-name.js";
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
  isRuntimeLinkPath,
} from "./manifest/activation-manifest.js";
export { compareUtf8 } from "./util/compare-utf8.js";
export { dependenciesFirst } from "./util/dependencies-first.js";
export { lexists } from "./util/lexists.js";
export { CacheDirectoryError, kilnCacheDir, writableKilnCacheDir } from "./util/kiln-cache-dir.js";
export { replaceSymlinkAtomically, syncDirectory, temporaryPathFor } from "./util/write-file-atomically.js";
export { hashTextSync } from "./store/nar-hash.js";
export { configSourceFiles, isConfigBundle, originalPositionInBundle, registerConfigBundle } from "./source/bundle-source-maps.js";
export { isKilnPackageFile } from "./source/source-location.js";
