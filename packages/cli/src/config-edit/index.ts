/**
 * Editing a user's config from a program: `addSystemPackage` (what
 * `kiln add` runs) and the pieces it is made of, for tools that want to
 * find a machine or plan an edit themselves.
 */
export { addSystemPackage, type AddSystemPackageOptions, type AddSystemPackageResult } from "./add-system-package.js";
export { ConfigEditError, EditTypeError, MachineChoiceError, MachineNotFoundError, UnknownPackageError } from "./config-edit-error.js";
export { findMachine, projectMachines, type LocatedMachine, type ProjectMachines } from "./find-machine.js";
export { planSystemPackageEdit, type SystemPackageEdit } from "./plan-system-package-edit.js";
export { unifiedDiff } from "@kiln/core";
