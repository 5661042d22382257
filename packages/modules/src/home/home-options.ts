/**
 * The home modules, in two lists, as for machines:
 *
 * - {@link homeOptions}: the modules declaring the options, whose types
 *   make {@link HomeConfig}, the type of a home's `config`;
 * - {@link homeModules}: the modules implementing them (each imports its
 *   options), what `defineHome` evaluates with the user's modules.
 *
 * Each module has a `key` (`@kiln/modules/home/programs/git.ts`), so
 * `disabledModules` can replace one with your own.
 */
import { assertionsModule } from "../misc/assertions-module.js";
import type { BuiltinConfig, ConfigOfModules } from "../typing/config-of.js";
import { homeAccountOptions, homeUsernameOptions } from "./account/home-account.js";
import { homeActivationOptions } from "./activation/home-activation.js";
import { activationPackage, activationPackageOptions } from "./build/activation-package.js";
import { homeFileOptions } from "./files/home-file.js";
import { homePackages, homePackagesOptions } from "./packages/home-packages.js";
import { homeBash, homeBashOptions } from "./programs/bash.js";
import { homeGit, homeGitExtraConfigAlias, homeGitOptions } from "./programs/git.js";
import { homeSecretsOptions } from "./secrets/home-secrets.js";
import { sessionVariables, sessionVariablesOptions } from "./session/session-variables.js";

/** The modules declaring the home options (for typing: `ConfigOfModules<typeof homeOptions>`). */
export const homeOptions = [
  homeUsernameOptions,
  homeAccountOptions,
  homePackagesOptions,
  homeFileOptions,
  sessionVariablesOptions,
  homeActivationOptions,
  homeGitOptions,
  homeGitExtraConfigAlias,
  homeBashOptions,
  homeSecretsOptions,
  activationPackageOptions,
] as const;

/** The modules of a home: every option with its implementation. */
export const homeModules = [
  assertionsModule,
  homePackages,
  sessionVariables,
  homeGit,
  homeBash,
  activationPackage,
  // Options whose implementation is elsewhere (the manifest reads them).
  homeAccountOptions,
  homeFileOptions,
] as const;

/** The type of a home's `config`: every home option, and `assertions`, `warnings`, `_module`. */
export type HomeConfig = ConfigOfModules<typeof homeOptions> & BuiltinConfig;
