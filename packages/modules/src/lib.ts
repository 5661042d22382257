/**
 * `lib`: the functions modules use, passed to every module function as
 * NixOS passes `lib` (`{ lib, config, ... }: with lib; …`).
 */
import { evalModules } from "./eval/eval-modules.js";
import { mkEnableOption } from "./options/mk-enable-option.js";
import { mkOption } from "./options/mk-option.js";
import { mkPackageOption } from "./options/mk-package-option.js";
import { lazy } from "./properties/lazy.js";
import { mkIf } from "./properties/mk-if.js";
import { mkMerge } from "./properties/mk-merge.js";
import { mkAfter, mkBefore, mkOrder } from "./properties/mk-order.js";
import { mkDefault, mkForce, mkImageMediaOverride, mkOptionDefault, mkOverride, mkVMOverride } from "./properties/mk-override.js";
import { mkAliasOptionModule } from "./renames/mk-alias-option-module.js";
import { mkChangedOptionModule } from "./renames/mk-changed-option-module.js";
import { mkRemovedOptionModule } from "./renames/mk-removed-option-module.js";
import { mkRenamedOptionModule } from "./renames/mk-renamed-option-module.js";
import { types } from "./types/index.js";

/** The module library. */
export const lib = {
  evalModules,
  mkOption,
  mkEnableOption,
  mkPackageOption,
  mkIf,
  mkMerge,
  mkOverride,
  mkDefault,
  mkOptionDefault,
  mkForce,
  mkVMOverride,
  mkImageMediaOverride,
  mkOrder,
  mkBefore,
  mkAfter,
  lazy,
  mkRenamedOptionModule,
  mkRemovedOptionModule,
  mkChangedOptionModule,
  mkAliasOptionModule,
  types,
} as const;
