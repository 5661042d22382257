/**
 * `lib`: the functions modules use, passed to every module function as
 * NixOS passes `lib` (`{ lib, config, ... }: with lib; …`).
 *
 * This is also where the module system is assembled, once: the evaluator
 * is made with this `lib` (read when a module function is called, so the
 * reference back is no import), `lib.evalModules` is its `evalModules`, and
 * the submodule types get it for their nested evaluations. Neither the
 * evaluator nor the types import `lib` or each other.
 */
import { moduleEvaluator } from "./eval/eval-modules.js";
import { mkEnableOption } from "./options/mk-enable-option.js";
import { mkOption } from "./options/mk-option.js";
import { mkPackageOption } from "./options/mk-package-option.js";
import { lazy } from "./properties/lazy.js";
import { literalExpression, literalMD } from "./options/literal.js";
import { mkAssert } from "./properties/mk-assert.js";
import { mkIf } from "./properties/mk-if.js";
import { mkMerge } from "./properties/mk-merge.js";
import { mkAfter, mkBefore, mkOrder } from "./properties/mk-order.js";
import { mkDefault, mkForce, mkImageMediaOverride, mkOptionDefault, mkOverride, mkVMOverride } from "./properties/mk-override.js";
import { mkAliasOptionModule } from "./renames/mk-alias-option-module.js";
import { mkChangedOptionModule } from "./renames/mk-changed-option-module.js";
import { mkRemovedOptionModule } from "./renames/mk-removed-option-module.js";
import { mkRenamedOptionModule } from "./renames/mk-renamed-option-module.js";
import { types } from "./types/index.js";
import { provideNestedEvaluator } from "./types/nested-evaluator.js";

const evaluator = moduleEvaluator(() => lib);
provideNestedEvaluator(evaluator.evaluateNested);

/**
 * Evaluates `modules` into a lazy `config` and an `options` tree
 * (nixpkgs' `lib.evalModules`).
 *
 * Modules without a recorded location (see `defineModule`) are reported at
 * the line that called `evalModules`.
 */
export const evalModules: typeof evaluator.evalModules = evaluator.evalModules;

/** The module library. */
export const lib = {
  /** {@link evalModules}, as a member of `lib`. */
  evalModules,
  /** {@link mkOption}, as a member of `lib`. */
  mkOption,
  /** {@link mkEnableOption}, as a member of `lib`. */
  mkEnableOption,
  /** {@link mkPackageOption}, as a member of `lib`. */
  mkPackageOption,
  /** {@link mkIf}, as a member of `lib`. */
  mkIf,
  /** {@link mkAssert}, as a member of `lib`. */
  mkAssert,
  /** {@link literalExpression}, as a member of `lib`. */
  literalExpression,
  /** {@link literalMD}, as a member of `lib`. */
  literalMD,
  /** {@link mkMerge}, as a member of `lib`. */
  mkMerge,
  /** {@link mkOverride}, as a member of `lib`. */
  mkOverride,
  /** {@link mkDefault}, as a member of `lib`. */
  mkDefault,
  /** {@link mkOptionDefault}, as a member of `lib`. */
  mkOptionDefault,
  /** {@link mkForce}, as a member of `lib`. */
  mkForce,
  /** {@link mkVMOverride}, as a member of `lib`. */
  mkVMOverride,
  /** {@link mkImageMediaOverride}, as a member of `lib`. */
  mkImageMediaOverride,
  /** {@link mkOrder}, as a member of `lib`. */
  mkOrder,
  /** {@link mkBefore}, as a member of `lib`. */
  mkBefore,
  /** {@link mkAfter}, as a member of `lib`. */
  mkAfter,
  /** {@link lazy}, as a member of `lib`. */
  lazy,
  /** {@link mkRenamedOptionModule}, as a member of `lib`. */
  mkRenamedOptionModule,
  /** {@link mkRemovedOptionModule}, as a member of `lib`. */
  mkRemovedOptionModule,
  /** {@link mkChangedOptionModule}, as a member of `lib`. */
  mkChangedOptionModule,
  /** {@link mkAliasOptionModule}, as a member of `lib`. */
  mkAliasOptionModule,
  /** {@link types}, as a member of `lib`. */
  types,
} as const;
