/**
 * `kiln boot` as library functions, the counterpart of `nixos-rebuild
 * boot`: {@link bootConfiguration} adds a generation and marks it for the
 * next start without activating anything (NixOS writes a boot loader entry;
 * Kiln, which does not own the boot loader, writes the profile's boot mark),
 * and {@link activateBootGeneration} is what runs early at that start (the
 * `kiln-boot` unit): it activates the marked generation, or the current one
 * when there is no mark, unless it is already the active one. So a
 * `kiln switch --test` is forgotten at the next start, as on NixOS.
 */
import type { Generation } from "../profile/profile.js";
import { activate, type ActivateOptions, type ActivationReport } from "./activate.js";
import { ActivationManifestError } from "./activation-errors.js";
import { activeGeneration, type RegisterRoot } from "./activation-state.js";
import type { ActivationTarget } from "./activation-target.js";
import { readActivationManifest } from "./read-activation-manifest.js";
import { targetProfile } from "./switch-configuration.js";

/** Options of {@link bootConfiguration} and {@link activateBootGeneration}. */
export interface BootOptions {
  /** Registers generation and active links as garbage-collector roots (e.g. `store.addRootLink`). */
  readonly registerRoot?: RegisterRoot;
}

/** What {@link activateBootGeneration} did. */
export interface BootActivation {
  /** The generation the start activated, or found already active. */
  readonly generation: Generation | undefined;
  /** The activation's report; `undefined` when the generation was already active (or the profile has none). */
  readonly report: ActivationReport | undefined;
}

/**
 * Adds `toplevel` (a machine's) as a generation of `target`'s profile, or
 * reuses the newest when it is that toplevel already, and marks it for the
 * next start. Nothing is activated: `/etc`, the accounts and the active
 * generation stay as they are, and so does the profile's current one.
 */
export function bootConfiguration(toplevel: string, target: ActivationTarget, options: BootOptions = {}): Generation {
  const manifest = readActivationManifest(toplevel);
  if (target.kind !== "machine" || manifest.kind !== "machine") {
    throw new ActivationManifestError(`${toplevel} is a ${manifest.kind}, and only a machine has a next boot to mark; use 'kiln switch${manifest.kind === "home" ? " --home" : ""}' instead`);
  }
  const profile = targetProfile(target, options.registerRoot);
  const generation = profile.addGenerationOnly(toplevel);
  return profile.markForBoot(generation.number);
}

/**
 * Activates the generation the next start is to have (the marked one, else
 * the current one) unless it is active already, and makes it current,
 * which clears the mark. Units are queued, not waited for (see
 * {@link ActivateOptions.atBoot}).
 */
export function activateBootGeneration(target: ActivationTarget, options: BootOptions = {}): BootActivation {
  const profile = targetProfile(target, options.registerRoot);
  const generation = profile.bootGeneration();
  if (generation === undefined) return { generation, report: undefined };
  if (generation.path === activeGeneration(target) && generation.current) return { generation, report: undefined };
  const report = activate(generation.path, target, {
    atBoot: true,
    commit: () => profile.switchTo(generation.number),
    ...(options.registerRoot === undefined ? {} : { registerRoot: options.registerRoot }),
  });
  return { generation: { ...generation, current: true, nextBoot: true }, report };
}
