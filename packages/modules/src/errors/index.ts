/**
 * The error classes of the module system, one per kind of failure.
 */
export { ModuleSystemError } from "./module-system-error.js";
export { OptionNotFoundError } from "./option-not-found-error.js";
export { TypeMismatchError } from "./type-mismatch-error.js";
export { ConflictingDefinitionsError } from "./conflicting-definitions-error.js";
export { OptionNotDefinedError } from "./option-not-defined-error.js";
export { InfiniteRecursionError } from "./infinite-recursion-error.js";
export { PrematureReadError } from "./premature-read-error.js";
export { ConfigDependentStructureError } from "./config-dependent-structure-error.js";
export { AssertionFailedError } from "./assertion-failed-error.js";
export { AssertionsFailedError } from "./assertions-failed-error.js";
export { InvalidModuleError } from "./invalid-module-error.js";
export { RemovedOptionError } from "./removed-option-error.js";
