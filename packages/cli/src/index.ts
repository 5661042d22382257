/**
 * `@kiln/cli`: the `kiln` command line, also callable from a program.
 *
 * @packageDocumentation
 * @module @kiln/cli
 */
export { main, commandHelp, reportError } from "./main.js";
export { generalHelp } from "./general-help.js";
export { COMMANDS } from "./commands/index.js";
export { GLOBAL_OPTIONS, type Command, type CommandIO, type OptionSpec, type ParsedArgs } from "./command.js";
export { UsageError } from "./usage-error.js";
export { KILN_VERSION } from "./version.js";
export { fixHashes, type FixHashesOptions, type FixHashesResult } from "./hash-repair/fix-hashes.js";
export { HashRepairError, rewriteHashLiterals, type HashLiteralChange, type HashLiteralFix } from "./hash-repair/rewrite-hash-literals.js";
export { checkConfig, formatConfigDiagnostic, type CheckConfigOptions, type ConfigDiagnostic } from "./check/check-config.js";
export { asEvaluatedOptions, formatOptionMatch, renderOptionValue, searchOptions, type EvaluatedOptions, type OptionMatch } from "./options/search-options.js";
export { addSystemPackage, ConfigEditError, EditTypeError, MachineChoiceError, MachineNotFoundError, UnknownPackageError, type AddSystemPackageOptions, type AddSystemPackageResult } from "./config-edit/index.js";
