/**
 * The garbage-collector roots a target's activation state needs, and their
 * registration with whichever store built the generations: the active link
 * and the profile's current, newest and boot-marked generation links, as
 * NixOS keeps `/run/current-system` and `/nix/var/nix/profiles/system-N-link`
 * as roots. A realiser's `addRoot` is asynchronous (Nix's is a process), so
 * this runs after the synchronous activation: the links are in place
 * already, and registering them again is harmless. Registering every link
 * the state holds, not only the ones this run made, also registers links a
 * run killed before it registered them.
 */
import type { ActivationTarget } from "./activation-target.js";
import { activeGeneration, activeLink } from "./activation-state.js";
import { targetProfile } from "./switch-configuration.js";

/** One link to keep: `link` points at the store path `path`. */
export interface TargetRoot {
  readonly link: string;
  readonly path: string;
}

/** Registers a link to a store path as a root, as `Realiser.addRoot` does. */
export type AddRoot = (link: string, path: string) => Promise<void>;

/** The links of `target`'s state that must be roots: the active link and the current, newest and boot-marked generations' links. */
export function targetRoots(target: ActivationTarget): TargetRoot[] {
  const roots = new Map<string, string>();
  const active = activeGeneration(target);
  if (active !== undefined) roots.set(activeLink(target), active);
  const profile = targetProfile(target);
  const generations = profile.generations();
  for (const generation of [generations.at(-1), profile.current(), profile.bootGeneration()]) {
    if (generation !== undefined) roots.set(generation.link, generation.path);
  }
  return [...roots].map(([link, path]) => ({ link, path }));
}

/** Registers each of {@link targetRoots} with `addRoot`, one after the other. */
export async function registerTargetRoots(target: ActivationTarget, addRoot: AddRoot): Promise<readonly TargetRoot[]> {
  const roots = targetRoots(target);
  for (const root of roots) await addRoot(root.link, root.path);
  return roots;
}
