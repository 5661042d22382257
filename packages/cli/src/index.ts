/**
 * `@kiln/cli`: the `kiln` command line, also callable from a program.
 *
 * @packageDocumentation
 * @module @kiln/cli
 */
export { main, commandHelp, reportError } from "./main.js";
export { generalHelp } from "./general-help.js";
export { COMMANDS } from "./commands/index.js";
export type { Command, CommandIO, OptionSpec, ParsedArgs } from "./command.js";
export { GLOBAL_OPTIONS, HELP_OPTION, type GlobalSettings } from "./settings/global-options.js";
export type { GivenValue, SettingName, SettingsOf, TypedOption } from "./settings/typed-option.js";
export { UsageError } from "./usage-error.js";
export { KILN_VERSION } from "./version.js";
export { fixHashes, type FixHashesOptions, type FixHashesResult } from "./hash-repair/fix-hashes.js";
export { HashRepairError, rewriteHashLiterals, type HashLiteralChange, type HashLiteralFix } from "./hash-repair/rewrite-hash-literals.js";
export { checkConfig, formatConfigDiagnostic, type CheckConfigOptions, type ConfigDiagnostic } from "./check/check-config.js";
export { asEvaluatedOptions, formatOptionMatch, renderOptionValue, searchOptions, type EvaluatedOptions, type OptionMatch } from "./options/search-options.js";
export { addSystemPackage, ConfigEditError, EditTypeError, MachineChoiceError, MachineNotFoundError, UnknownPackageError, type AddSystemPackageOptions, type AddSystemPackageResult } from "./config-edit/index.js";
