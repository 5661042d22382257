/**
 * The machine modules, in two lists:
 *
 * - {@link machineOptions}: the modules declaring the options, whose types
 *   make {@link MachineConfig}, the type of a machine's `config`;
 * - {@link machineModules}: the modules implementing them (each imports its
 *   options), what `defineMachine` evaluates with the user's modules.
 *
 * Each module has a `key` (`@kiln/modules/machine/services/nginx.ts`), so
 * `disabledModules: ["@kiln/modules/machine/services/nginx.ts"]` replaces
 * one with your own, as on NixOS.
 */
import { assertionsModule } from "../misc/assertions-module.js";
import type { BuiltinConfig, ConfigOfModules } from "../typing/config-of.js";
import { kernelModules, kernelModulesOptions } from "./boot/kernel-modules.js";
import { etcOptions } from "./environment/etc.js";
import { environmentPackagesAlias, systemPackages, systemPackagesOptions } from "./environment/system-packages.js";
import { environmentVariables, environmentVariablesOptions } from "./environment/variables.js";
import { graphics, graphicsOptions } from "./hardware/graphics.js";
import { kilnGc, kilnGcOptions } from "./kiln/gc.js";
import { hostName, hostNameOptions } from "./networking/host-name.js";
import { bash, bashOptions } from "./programs/bash.js";
import { git, gitOptions } from "./programs/git.js";
import { obsStudio, obsStudioOptions } from "./programs/obs-studio.js";
import { fstrim, fstrimOptions } from "./services/fstrim.js";
import { nginx, nginxOptions } from "./services/nginx.js";
import { openssh, opensshOptions } from "./services/openssh.js";
import { systemd, systemdOptions } from "./systemd/systemd.js";
import { activationScriptsOptions } from "./system/activation-scripts.js";
import { runtimeLinksOptions } from "./system/runtime-links.js";
import { secretsOptions } from "./secrets/secrets-options.js";
import { toplevel, toplevelOptions } from "./system/toplevel.js";
import { timeZone, timeZoneOptions } from "./time/time-zone.js";
import { users, usersOptions } from "./users/users.js";

/** The modules declaring the machine options (for typing: `ConfigOfModules<typeof machineOptions>`). */
export const machineOptions = [
  systemPackagesOptions,
  environmentPackagesAlias,
  etcOptions,
  environmentVariablesOptions,
  usersOptions,
  hostNameOptions,
  timeZoneOptions,
  graphicsOptions,
  kernelModulesOptions,
  systemdOptions,
  gitOptions,
  bashOptions,
  obsStudioOptions,
  nginxOptions,
  opensshOptions,
  fstrimOptions,
  kilnGcOptions,
  activationScriptsOptions,
  runtimeLinksOptions,
  secretsOptions,
  toplevelOptions,
] as const;

/** The modules of a machine: every option with its implementation. */
export const machineModules = [
  assertionsModule,
  systemPackages,
  environmentVariables,
  users,
  hostName,
  timeZone,
  graphics,
  kernelModules,
  systemd,
  git,
  bash,
  obsStudio,
  nginx,
  openssh,
  fstrim,
  kilnGc,
  toplevel,
  // Options whose implementation is elsewhere (the manifest reads them).
  etcOptions,
] as const;

/** The type of a machine's `config`: every machine option, and `assertions`, `warnings`, `_module`. */
export type MachineConfig = ConfigOfModules<typeof machineOptions> & BuiltinConfig;
