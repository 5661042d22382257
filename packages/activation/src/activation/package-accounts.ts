/**
 * The system users and groups a machine's packages need, as systemd-sysusers
 * would make them from the packages' `lib/sysusers.d/*.conf` (the Debian
 * packages of `@kiln/debian` have there what their maintainer scripts'
 * `adduser --system` would make). A machine's manifest lists the packages to
 * read (`accountsFrom`: its system packages and its services' packages);
 * reading the manifest adds their accounts to those the configuration
 * declares, so that activation, `kiln diff` and every other reader see
 * them alike.
 *
 * The configuration wins, as a `mkDefault` definition loses to a plain
 * one: an account `users.users` or `users.groups` declares is taken whole
 * from there. And as with systemd-sysusers, a package's account that the
 * root already has is left as it is (`fromPackage` tells activation so),
 * and an id a package asks for that another account holds is not taken
 * (a free one is allocated).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ActivationManifest, ManagedGroup, ManagedUser } from "@kiln/formats";
import { parseSysusers } from "./sysusers-file.js";

/** Where a package declares its system accounts, in systemd's layout. */
export const PACKAGE_SYSUSERS_DIR = "lib/sysusers.d";

/** The sysusers.d files of the package at `path`, sorted by name. */
function sysusersFiles(path: string): string[] {
  try {
    return readdirSync(join(path, PACKAGE_SYSUSERS_DIR))
      .filter((name) => name.endsWith(".conf"))
      .sort()
      .map((name) => join(path, PACKAGE_SYSUSERS_DIR, name));
  } catch {
    return [];
  }
}

/**
 * The accounts the packages at `paths` declare (the first declaration of a
 * name wins), leaving out those of the names `declared` has.
 */
export function packageAccounts(paths: readonly string[], declared: Pick<ActivationManifest, "users" | "groups">): { users: Record<string, ManagedUser>; groups: Record<string, ManagedGroup> } {
  const users: Record<string, ManagedUser & { extraGroups: string[] }> = {};
  const groups: Record<string, ManagedGroup> = {};
  const addGroup = (name: string, gid: number | null, fromPackage: string): void => {
    if (!(name in declared.groups) && !(name in groups)) groups[name] = { gid, members: [], fromPackage };
  };
  for (const path of paths) {
    for (const file of sysusersFiles(path)) {
      const entries = parseSysusers(readFileSync(file, "utf8"));
      for (const group of entries.groups) addGroup(group.name, group.gid, path);
      for (const user of entries.users) {
        if (user.name in declared.users || user.name in users) continue;
        if (user.group === user.name) addGroup(user.name, user.gid, path);
        users[user.name] = { uid: user.uid, isSystemUser: true, description: user.description, group: user.group, extraGroups: [], home: user.home, createHome: false, shell: user.shell, fromPackage: path };
      }
      // Memberships of the packages' own users; a declared user's groups are the configuration's.
      for (const member of entries.members) {
        const user = users[member.user];
        if (user !== undefined && !user.extraGroups.includes(member.group)) user.extraGroups.push(member.group);
      }
    }
  }
  return { users, groups };
}

/** `manifest` with the accounts of the packages it lists in `accountsFrom` added (see the file's comment). */
export function withPackageAccounts(manifest: ActivationManifest): ActivationManifest {
  if (manifest.accountsFrom === undefined || manifest.accountsFrom.length === 0) return manifest;
  const found = packageAccounts(manifest.accountsFrom, manifest);
  return { ...manifest, users: { ...manifest.users, ...found.users }, groups: { ...manifest.groups, ...found.groups } };
}
