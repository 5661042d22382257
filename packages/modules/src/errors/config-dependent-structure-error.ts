/**
 * A module whose *shape* depends on `config` values.
 *
 * A module function that reads `config` is called twice: once with a
 * placeholder `config` to learn which options it declares and defines, and
 * again with the real `config` for the values. NixOS has the same rule
 * without the second call: which options a module defines must not depend on
 * option values (that is what `mkIf` is for; `if cfg.enable then { … } else
 * { }` makes Nix recurse infinitely). When the two calls disagree on
 * something that was already used — the options, or a definition taken from
 * the first call because nothing in it came from the placeholder, whose
 * value a JavaScript condition on config changed — the evaluation cannot
 * give a value it can vouch for, so it stops with this error instead.
 */
import type { OptionPath } from "../options/show-option.js";
import { InvalidModuleError } from "./invalid-module-error.js";

/** Thrown when the options a module declares or defines, or a declaration's or definition's value already used, depend on `config` in a way the placeholder hid. */
export class ConfigDependentStructureError extends InvalidModuleError {
  override name = "ConfigDependentStructureError";
  /** The module's file. */
  readonly file: string;
  /** The option path concerned (with the evaluation's prefix). */
  readonly loc: OptionPath;
  constructor(message: string, file: string, loc: OptionPath) {
    super(message);
    this.file = file;
    this.loc = loc;
  }
}
