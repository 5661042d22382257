/**
 * Deleting every old generation of some profiles at once, the first half of
 * `nix-collect-garbage -d` (`kiln gc -d`): each profile keeps its current
 * generation and the one marked for the next start; a profile that does
 * not exist is skipped. Collecting the garbage they alone held is the
 * caller's second step.
 */
import type { ActivationTarget } from "../activation/activation-target.js";
import { targetProfile } from "../activation/switch-configuration.js";
import type { Generation } from "./profile.js";

/** The generations deleted from one profile. */
export interface DeletedGenerations {
  /** The profile's link (e.g. `/var/lib/kiln/profiles/system`). */
  readonly profile: string;
  readonly deleted: readonly Generation[];
}

/** Deletes the old generations of each target's profile (see the file comment). */
export function deleteOldGenerations(targets: readonly ActivationTarget[]): DeletedGenerations[] {
  return targets.map((target) => {
    const profile = targetProfile(target);
    return { profile: profile.link, deleted: profile.deleteOld() };
  });
}
