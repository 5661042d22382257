/**
 * A garbage-collector root's symlink (`result`, say), made as nix-build
 * makes its out-links: replaced atomically, so that there is always a link,
 * and never over a file that is not a symlink.
 */
import { existsSync, lstatSync } from "node:fs";
import { replaceSymlinkAtomically } from "@kiln/formats";
import { StoreError } from "./store-error.js";

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Makes `link` a symlink to `target`, replacing an older symlink; refuses (a {@link StoreError}) if another kind of file is in the way. */
export function replaceRootSymlink(link: string, target: string): void {
  if (existsSync(link) && !isSymlink(link)) throw new StoreError(`cannot create root '${link}': a file that is not a symlink is in the way`);
  replaceSymlinkAtomically(link, target);
}
