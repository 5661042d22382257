/**
 * `users.users` and `users.groups` as the manifest's `users` and `groups`,
 * by account name, with what NixOS leaves to defaults made explicit: the
 * login shell as an absolute path.
 */
import type { ManagedGroup, ManagedUser, Secret } from "@kiln/formats";
import type { PackageValue } from "../../types/primitive-types.js";
import { showOption } from "../../options/show-option.js";
import { isPasswdField } from "../../types/passwd-entry.js";
import { MachineConfigError } from "../machine-config-error.js";
import { shellPath } from "../../target/package-values.js";

/** The login shell of accounts that are not normal users and have none set. */
export const NO_LOGIN_SHELL = "/usr/sbin/nologin";

/** A user account as read from `config`. */
export interface UserAccount {
  readonly name: string;
  readonly isNormalUser: boolean;
  readonly isSystemUser: boolean;
  readonly uid: number | null;
  readonly group: string;
  readonly extraGroups: readonly string[];
  readonly home: string;
  readonly createHome: boolean;
  readonly shell: PackageValue | null;
  readonly description: string;
  readonly hashedPasswordFile: Secret | null;
}

/** A group as read from `config`. */
export interface UserGroup {
  readonly name: string;
  readonly gid: number | null;
  readonly members: readonly string[];
}

/** The shell's path; a package's `shellPath` is not checked by the option's type, so it is checked here. */
function loginShell(user: UserAccount, defaultUserShell: PackageValue): string {
  const shell = user.shell !== null ? shellPath(user.shell) : user.isNormalUser ? shellPath(defaultUserShell) : NO_LOGIN_SHELL;
  if (!isPasswdField(shell)) {
    const option = showOption(user.shell !== null ? ["users", "users", user.name, "shell"] : ["users", "defaultUserShell"]);
    throw new MachineConfigError(`${option} gives the login shell ${JSON.stringify(shell)}, which has a \`:', newline or NUL and cannot be written into /etc/passwd: use a package whose shell path has none.`);
  }
  return shell;
}

/** The manifest's `users`. */
export function managedUsers(users: Readonly<Record<string, UserAccount>>, defaultUserShell: PackageValue): Record<string, ManagedUser> {
  return Object.fromEntries(
    Object.values(users).map((user): [string, ManagedUser] => [
      user.name,
      {
        uid: user.uid,
        isSystemUser: user.isSystemUser,
        description: user.description,
        group: user.group,
        extraGroups: [...user.extraGroups],
        home: user.home,
        createHome: user.createHome,
        shell: loginShell(user, defaultUserShell),
        ...(user.hashedPasswordFile === null ? {} : { hashedPasswordSecret: user.hashedPasswordFile.name }),
      },
    ]),
  );
}

/** The manifest's `groups`. */
export function managedGroups(groups: Readonly<Record<string, UserGroup>>): Record<string, ManagedGroup> {
  return Object.fromEntries(Object.values(groups).map((group): [string, ManagedGroup] => [group.name, { gid: group.gid, members: [...group.members] }]));
}
