/**
 * Where a machine module is, for messages: `@kiln/modules/machine/…/x.ts`.
 *
 * `withOptions(…).module(fn)` records the first stack frame outside this
 * package as the module's location, which for a module defined in this
 * package is whatever file imported it. Recording the module's own name
 * first (the first record wins) makes messages such as "the module argument
 * `pkgs' requested by `…' is not defined" name the machine module.
 */
import { recordModuleLocation } from "../eval/module-location.js";

/** Records `file` as where `module` is, and returns it. */
export function located<Module extends object>(file: string, module: Module): Module {
  recordModuleLocation(module, file);
  return module;
}
