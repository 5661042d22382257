/**
 * `@kiln/activation`: switching a machine or a home to a built
 * configuration: activation (files, accounts, units, secrets), profiles and
 * their generations, boot generations, and the `age` secrets tools.
 *
 * @packageDocumentation
 * @module @kiln/activation
 */
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
export { registerTargetRoots, targetRoots, type AddRoot, type TargetRoot } from "./activation/target-roots.js";
export { SecretActivationError, secretsDirectory, type SecretsReport } from "./activation/secret-activation.js";
export { ageDecrypt, ageEncrypt, ageProgram } from "./secrets/age.js";
export { SECRET_RULES_FILE, checkSecretRules, findSecretRules, recipientsOf, type SecretRule, type SecretRules } from "./secrets/secret-rules.js";
export { editSecretFile, rekeySecretFiles, type EditOutcome, type SecretFileOptions } from "./secrets/secret-files.js";
export { activate, type ActivateOptions, type ActivationReport } from "./activation/activate.js";
export { planRuntimeLinks, type RuntimeLinkChange } from "./activation/runtime-links.js";
export { rollbackConfiguration, switchConfiguration, targetProfile, type SwitchMode, type SwitchOptions, type SwitchResult } from "./activation/switch-configuration.js";
export { Profile, type Generation } from "./profile/profile.js";
export { GenerationError } from "./profile/profile-errors.js";
export { parseAge } from "./profile/age.js";
export {
  diffGenerations,
  isEmptyDiff,
  type ChangedPackage,
  type ChangedRuntimeLink,
  type ChangedScript,
  type GenerationDiff,
  type PackagesDiff,
  type RuntimeLink,
  type RuntimeLinksDiff,
  type ScriptsDiff,
} from "./profile/generation-diff.js";
export { TEXT_DIFF_LIMIT, type ChangedFile, type ChangedUnit, type FileEntry, type FilesDiff, type UnitEntry, type UnitsDiff } from "./profile/managed-files-diff.js";
export type { AccountsDiff, ChangedAccount, ChangedField } from "./profile/accounts-diff.js";
export { deleteOldGenerations, type DeletedGenerations } from "./profile/delete-old-generations.js";
