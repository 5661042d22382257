/**
 * `users.users` and `users.groups`: the accounts a machine declares, which
 * activation creates or updates (NixOS's `users-groups.nix`), with NixOS's
 * checks: a user is exactly one of normal or system user, and has a primary
 * group.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { showOption } from "../../options/show-option.js";
import { types } from "../../types/index.js";
import { userAccountDefaults, userAccountOptions } from "./user-account.js";
import { userGroupDefaults, userGroupOptions } from "./user-group.js";
import { mkDefault } from "../../properties/mk-override.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/users/users.ts";

/** The options `users.users`, `users.groups`, `users.accountsFromPackages`, `users.defaultUserShell`. */
export const usersOptions = defineModule({
  _file: FILE,
  options: {
    users: {
      users: mkOption({
        type: types.attrsOf(types.submodule([userAccountOptions, userAccountDefaults]), { nameType: types.accountName }),
        default: {},
        example: { alice: { isNormalUser: true, extraGroups: ["wheel"] } },
        description:
          "The user accounts of the machine, by name. Accounts not listed are left alone. A name is a lowercase letter or `_`, then lowercase letters, digits, `_` or `-`, optionally a final `$`, at most 32 characters (the rule of Debian's `adduser`); no field may contain `:`, a newline or NUL. A value that breaks these rules is an error naming the option and the file and line that defined it.",
      }),
      groups: mkOption({
        type: types.attrsOf(types.submodule([userGroupOptions, userGroupDefaults]), { nameType: types.accountName }),
        default: {},
        example: { students: { gid: 1001 } },
        description: "The groups of the machine, by name (following the same rule as user names). Groups not listed are left alone.",
      }),
      accountsFromPackages: mkOption({
        type: types.listOf(types.package),
        default: [],
        description:
          "Packages whose system users and groups activation makes when the root lacks them: those their `lib/sysusers.d/*.conf` declare (systemd-sysusers' format; a Debian package of `@kiln/debian` has there what its maintainer scripts' `adduser --system` would make). `environment.systemPackages` are read too, and services add the packages they run. An account `users.users` or `users.groups` declares wins whole over a package's, and a package's account the root already has is left as it is, as systemd-sysusers does.",
      }),
      defaultUserShell: mkOption({
        type: types.either(types.package, types.passwdEntry(types.path)),
        default: "/bin/bash",
        description: "The login shell of normal users whose `shell` is not set: a package or an absolute path without `:`, newline or NUL (the host's bash by default).",
      }),
    },
  },
});

/** The assertions NixOS makes about an account. */
export function userAssertions(users: Readonly<Record<string, { readonly isNormalUser: boolean; readonly isSystemUser: boolean; readonly group: string }>>): { assertion: boolean; message: string }[] {
  return Object.entries(users).flatMap(([name, user]) => {
    const option = (field: string): string => showOption(["users", "users", name, field]);
    const key = JSON.stringify(name);
    return [
      {
        assertion: user.isNormalUser !== user.isSystemUser,
        message: `Exactly one of ${option("isSystemUser")} and ${option("isNormalUser")} must be set.`,
      },
      {
        assertion: user.group !== "",
        message: `${option("group")} is unset. A system user needs a group of its own; create one with: users: { users: { ${key}: { group: ${key} } }, groups: { ${key}: {} } }.`,
      },
    ];
  });
}

/** The checks on `users.users`. */
export const users = withOptions(usersOptions).module(located(FILE, ({ config }) => ({
  key: FILE,
  imports: [usersOptions],
  config: {
    assertions: lazy(() => userAssertions(config.users.users)),
    // Normal users' default group, with the id every distribution gives it, as NixOS declares it.
    users: { groups: { users: { gid: mkDefault(100) } } },
  },
})));
