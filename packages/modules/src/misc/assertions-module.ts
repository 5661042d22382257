/**
 * The module declaring `assertions` and `warnings` (NixOS's
 * `nixos/modules/misc/assertions.nix`, home-manager's equivalent).
 *
 * `evalModules` itself declares neither, as in nixpkgs: an evaluation that
 * wants them includes this module, as machine and home evaluations do. Its
 * `key` makes a second inclusion (a ported module importing its own copy by
 * the same key) the same module, so it is not declared twice.
 */
import { mkOption } from "../options/mk-option.js";
import { listOf } from "../types/list-types.js";
import { unspecified } from "../types/primitive-types.js";
import { str } from "../types/string-types.js";

/** The identity of {@link assertionsModule}, for `disabledModules` and deduplication. */
export const ASSERTIONS_MODULE_KEY = "@kiln/modules/misc/assertions";

/** A module declaring NixOS's `assertions` (`{ assertion, message }` list) and `warnings` (list of strings). */
export const assertionsModule = {
  key: ASSERTIONS_MODULE_KEY,
  _file: ASSERTIONS_MODULE_KEY,
  options: {
    assertions: mkOption({
      type: listOf(unspecified),
      internal: true,
      default: [],
      description: "Conditions that must hold, as `{ assertion, message }`; `checkAssertions` reports every failing one.",
    }),
    warnings: mkOption({ type: listOf(str), internal: true, default: [], description: "Messages to show the user." }),
  },
} as const;
