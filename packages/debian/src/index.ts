/**
 * `@kiln/debian`: Debian's archive as a locked, hash-pinned input of a Kiln
 * project. A suite's signed `InRelease` pins its `Packages` index, the index
 * pins each `.deb`, and each package is a derivation that refers to the
 * unpacked files of its dependency closure.
 *
 * Importing this module registers the built-in builders its derivations use.
 *
 * @packageDocumentation
 * @module @kiln/debian
 */
import { registerBuiltinBuilder } from "@kiln/store";
import { registerDebianBuilders } from "./debian-builders.js";
import { buildVm } from "./vm/vm-builder.js";

registerDebianBuilders();
registerBuiltinBuilder("kiln-debian-vm", buildVm);

export { DebianArchiveError, DebianInputError, DebianLockError, DebianMirrorError, DebianResolveError, DebianSignatureError, DebianVmError } from "./debian-errors.js";
export { controlField, parseControlFile, type ControlParagraph } from "./control-file.js";
export { debianMirrors, parseDeb822Sources, parseSourcesList, readAptSources, type AptSource, type MirrorDiscoveryOptions } from "./apt-sources.js";
export { DEBIAN_ARCHIVE_KEYRING, parseRelease, verifyInRelease, type Release, type ReleaseFile } from "./release-file.js";
export { LOCK_FILE_NAME, emptyLock, readLockFile, stableJson, writeLockFile, type LockFile, type LockedContents, type LockedDebianInput, type LockedIndex } from "./lock-file.js";
export { compareDebianVersions, parseDebianVersion, type DebianVersion } from "./debian-version.js";
export { formatRelation, parseRelations, versionSatisfies, type Relation, type RelationOperator, type Requirement } from "./relations.js";
export { COMPACT_INDEX_FORMAT, PackageIndex, deserialiseIndex, parsePackagesFile, serialiseIndex, type IndexPackage, type Provider } from "./package-index.js";
export { dependencyChain, resolveClosure, type ResolveOptions } from "./resolve-closure.js";
export { readAr, unpackDeb, type ArMember } from "./deb-file.js";
export { ALTERNATIVES_FILE, chooseAlternatives, makeAlternativeLinks, parseAlternatives, readAlternatives, writeAlternatives, type Alternative, type AlternativeLink } from "./alternatives.js";
export { ACCOUNTS_FILE, SYSUSERS_DIRS, closureAccounts, parseAccountCommands, writeAccounts } from "./maintainer-accounts.js";
export { isZstd, writeZstdDecompressed } from "./zstd-member.js";
export { archiveFetch, compactIndexDerivation, debFetch, fhsEnvDerivation, indexFetch, packageDerivation, storeName, unpackedDerivation, type FhsEnvSpec } from "./package-derivations.js";
export { FHS_RUNNER, HOST_ETC_FILES } from "./environment-mounts.js";
export { buildFhsEnvironment } from "./fhs-environment.js";
export { registerDebianBuilders } from "./debian-builders.js";
export { decompressIndex } from "./index-decompress.js";
export { lockDebianInput, type DebianInputSpec, type LockOptions } from "./lock-input.js";
export { currentRealiser, loadPackageIndex, setDebianRealiser, writePackageNamesFromStore, type DebianRealiser, type LoadIndexOptions } from "./index-loader.js";
export { PACKAGE_NAMES_FILE_NAME, PACKAGE_SET_MEMBERS, writePackageNames, type DebianPackage, type DebianPackageMeta, type DebianPackageNames } from "./package-names.js";
export { PROGRAM_DIRS, PROGRAM_INDEX_FORMAT, buildProgramIndex, chooseMainProgram, contentsFetches, deserialisePrograms, loadProgramIndex, programIndexDerivation, readContentsPrograms, serialisePrograms, type ProgramIndex } from "./program-index.js";
export { loadLockedLayers, lockedLayerNames, topInputs, type LockedLayers } from "./locked-layers.js";
export { debian, type DebianFhsEnvOptions, type DebianInputNameOf, type DebianOptions, type DebianPackageSet, type DebianPackageSetOperations } from "./debian-input.js";
export { debianVm, type DebianVmOptions } from "./vm/debian-vm.js";
export { NewcArchive, type NewcOwnership } from "./vm/newc-archive.js";
export { modulesInLoadOrder, readModinfo } from "./vm/kernel-modules.js";
