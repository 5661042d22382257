/**
 * `@kiln/store`: Kiln's local store and what fills it: the SQLite store
 * database, garbage collection and path locks, the realisers (local, Nix,
 * dry run), the bubblewrap build sandbox, the builtin fetchers with the
 * downloader and the archive decoders.
 *
 * @packageDocumentation
 * @module @kiln/store
 */
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
export { normalisePatch, type PatchNormaliseOptions } from "./fetch/patch-normalise.js";
export { fetchSettingsFromEnvironment, type FetchSettings } from "./fetch/fetch-settings.js";
export { MIRRORS, parseMirrorOverrides, resolveMirrorUrl } from "./fetch/mirrors.js";
export { hashedMirrorUrls, parseHashedMirrors } from "./fetch/hashed-mirrors.js";
export { downloadFile, type DownloadOptions } from "./fetch/download.js";
export { downloadFirst, isBuiltinBuilder, registerBuiltinBuilder, runBuiltinBuilder, type BuiltinBuildContext, type BuiltinBuilder } from "./fetch/builtin-fetchers.js";
export { fetchFixedOutput, type FetchedOutput, type FetchFixedOutputOptions } from "./fetch/fetch-fixed-output.js";
export { parsePrefetchTarget, prefetch, prefetchDerivation, type PrefetchResult, type PrefetchStore, type PrefetchTarget } from "./fetch/prefetch.js";
export { ArchiveFormatError, UnsafeArchiveError, detectArchiveFormat, unpackArchive, xzDecompress, type ArchiveFormat, type UnpackOptions } from "./fetch/archive/index.js";
export { currentLockOwner, isLockOwnerAlive } from "./local-store/path-locks.js";
