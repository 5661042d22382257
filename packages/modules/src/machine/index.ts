/**
 * The machine modules: NixOS's options for a machine (packages, `/etc`,
 * users, systemd services and timers, programs, services) and the machine
 * as one derivation, `system.build.toplevel`, which holds the activation
 * manifest `kiln switch` applies. `defineMachine({ pkgs, modules })`
 * evaluates a machine; `defineMachineModule` types your modules.
 */
export { defineMachine, type DefineMachineArgs, type Machine } from "./define-machine.js";
export { defineMachineModule, type MachineModule, type MachineModuleArgs } from "./define-machine-module.js";
export { machineModules, machineOptions, type MachineConfig } from "./machine-options.js";
export { machinePackageSet, type MachineBuildEnvArgs, type MachinePackageSet, type MachineSymlinkJoinArgs } from "../target/package-set.js";
export { mkMachinePackageOption, lookupMachinePackage } from "../target/package-option.js";
export { MachineConfigError } from "./machine-config-error.js";
export { MissingPackageError } from "../target/missing-package-error.js";
export { machineToplevel, type ToplevelConfig } from "./system/toplevel.js";
export { machineManifest, type ManifestConfig } from "./system/machine-manifest.js";
export { activationOrder, type ActivationSnippet } from "../target/activation-snippets.js";
export { configJson } from "../target/config-json.js";
export { serviceUnitText, timerUnitText, type ServiceConfig, type TimerConfig, type UnitConfig } from "./systemd/unit-files.js";
export { wrapObs } from "./programs/obs-studio.js";
export { FormatError } from "../formats/format-error.js";
export { renderSystemdUnit, systemdEnvironmentAssignment, type SystemdUnitSections, type SystemdUnitSection, type SystemdUnitValue, type SystemdUnitScalar } from "../formats/systemd-unit.js";
export { renderSshdConfig, type SshdValue, type SshdScalar } from "../formats/sshd-config.js";
