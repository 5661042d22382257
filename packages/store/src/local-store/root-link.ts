/**
 * A garbage-collector root's symlink (`result`, say), made as nix-build
 * makes its out-links: replaced atomically, so that there is always a link,
 * and never over a file that is not a symlink. A link that already points at
 * its target is left as it is: registering the roots a target's state holds
 * again after a switch then writes nothing, so a kill at that point leaves no
 * half-made temporary link behind.
 */
import { lstatSync, readlinkSync } from "node:fs";
import { replaceSymlinkAtomically } from "@kiln/formats";
import { StoreError } from "./store-error.js";

/** Makes `link` a symlink to `target`, replacing an older symlink; refuses (a {@link StoreError}) if another kind of file is in the way. */
export function replaceRootSymlink(link: string, target: string): void {
  let isLink: boolean;
  try {
    isLink = lstatSync(link).isSymbolicLink();
  } catch {
    replaceSymlinkAtomically(link, target);
    return;
  }
  if (!isLink) throw new StoreError(`cannot create root '${link}': a file that is not a symlink is in the way`);
  if (readlinkSync(link) === target) return;
  replaceSymlinkAtomically(link, target);
}
