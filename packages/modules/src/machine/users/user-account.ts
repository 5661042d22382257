/**
 * One `users.users.<name>` entry: NixOS's user account submodule, with the
 * defaults NixOS derives from `isNormalUser` (group `users`, home
 * `/home/<name>`, created, the default login shell).
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { mkDefault } from "../../properties/mk-override.js";
import { types } from "../../types/index.js";

const FILE = "@kiln/modules/machine/users/user-account.ts";
import { located } from "../../target/module-file.js";

/** The options of a user account. */
export const userAccountOptions = defineModule(located(FILE, {
  options: {
    name: mkOption({
      type: types.accountName,
      description: "The user's name; defaults to the attribute name. Like every user and group name: a lowercase letter or `_`, then lowercase letters, digits, `_` or `-`, optionally a final `$`, at most 32 characters (the rule of Debian's `adduser`).",
    }),
    isNormalUser: mkOption({
      type: types.bool,
      default: false,
      description: "Whether this is a real user (a person): it gets a uid from 1000 up, the group `users`, a home directory under `/home` that is created, and the default login shell. Exactly one of `isNormalUser` and `isSystemUser` must be set.",
    }),
    isSystemUser: mkOption({
      type: types.bool,
      default: false,
      description: "Whether this is a system user (one a service runs as): it gets a uid below 1000 and no login shell, and must name its `group`. Exactly one of `isNormalUser` and `isSystemUser` must be set.",
    }),
    uid: mkOption({ type: types.nullOr(types.int), default: null, description: "The user's numeric id; `null` lets activation pick a free one (and keep it)." }),
    group: mkOption({ type: types.either(types.enum([""]), types.accountName), default: "", description: "The user's primary group (a group name); `\"\"` means unset." }),
    extraGroups: mkOption({ type: types.listOf(types.accountName), default: [], example: ["wheel", "video"], description: "The user's supplementary groups, by name." }),
    home: mkOption({
      type: types.passwdEntry(types.absolutePath),
      default: "/var/empty",
      description: "The user's home directory: an absolute path, normalised (`/home//alice/` is `/home/alice`), without `..` segments, `:` or control characters, so that it stays inside the root activation works on.",
    }),
    createHome: mkOption({ type: types.bool, default: false, description: "Whether activation creates the home directory (owned by the user, mode 0700) if it does not exist." }),
    shell: mkOption({
      type: types.nullOr(types.either(types.package, types.passwdEntry(types.path))),
      default: null,
      example: "/bin/zsh",
      description:
        "The login shell: a package (its `shellPath`, or `bin/<mainProgram>`) or an absolute path without `:`, newline or NUL. `null`: `users.defaultUserShell` for normal users, `/usr/sbin/nologin` for the others.",
    }),
    hashedPasswordFile: mkOption({
      type: types.nullOr(types.secret),
      default: null,
      description:
        "A secret (made with `secret()` of @kiln/core) holding the user's password hash, as `mkpasswd` prints it; activation decrypts it and writes the hash into `/etc/shadow`. It is decrypted like any secret in `secrets.files`, which it need not be listed in. `null`: a new user's password stays locked.",
    }),
    description: mkOption({
      type: types.passwdEntry(types.str),
      default: "",
      example: "Alice Q. User",
      description: "A short description of the user (the GECOS field of `/etc/passwd`), usually the full name; without `:`, newline or NUL, which would break the line into other fields or accounts.",
    }),
  },
}));

/** The defaults that depend on the attribute name and on `isNormalUser`. */
export const userAccountDefaults = withOptions(userAccountOptions).module(located(FILE, ({ name, config }) => ({
  config: {
    name: mkDefault(name),
    group: mkIf(config.isNormalUser, mkDefault("users")),
    home: mkIf(config.isNormalUser, mkDefault(lazy(() => `/home/${config.name}`))),
    createHome: mkIf(config.isNormalUser, mkDefault(true)),
  },
})));
