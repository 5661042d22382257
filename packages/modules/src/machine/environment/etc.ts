/**
 * `environment.etc.<name>`: the files of `/etc` the machine manages, as
 * NixOS's `etc.nix` declares them. Each is a store path (`source`, or the
 * `text` written to the store) that activation links into `/etc` (or copies,
 * with `mode`, `user` and `group`); every other machine module produces its
 * files here, so `config.environment.etc` lists everything the machine puts
 * in `/etc`.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { types } from "../../types/index.js";
import { machinePackageSet } from "../../target/package-set.js";
import { located } from "../../target/module-file.js";
import { fileEntryDefaults } from "../../target/file-entry-defaults.js";

const FILE = "@kiln/modules/machine/environment/etc.ts";

/** The options of one `/etc` entry. */
export const etcEntryOptions = defineModule(located(FILE, {
  options: {
    enable: mkOption({ type: types.bool, default: true, description: "Whether this file is created. Set it to false to drop a file another module defines." }),
    target: mkOption({
      type: types.relativePath,
      example: "ssh/ssh_config",
      description: "The file's path relative to `/etc`; defaults to the attribute name. It is normalised (`./ssh//ssh_config` is `ssh/ssh_config`) and may not be absolute or have `..` segments or control characters.",
    }),
    text: mkOption({ type: types.nullOr(types.lines), default: null, description: "The file's contents; when set, `source` is this text written to the store." }),
    source: mkOption({
      type: types.either(types.path, types.package),
      description: "The store path (a file or a directory, or a package) the entry links to or is copied from. Copy a local file into the store with `path(\"./file\")` from @kiln/core.",
    }),
    mode: mkOption({
      type: types.strMatching(/symlink|[0-7]{3,4}/),
      default: "symlink",
      example: "0440",
      description: "`symlink`: `/etc/<target>` is a symlink into the store. An octal mode: the file is copied instead, with that mode, `user` and `group` (for programs that refuse symlinks or need other permissions).",
    }),
    user: mkOption({ type: types.str, default: "root", description: "The owner of a copied file (ignored for symlinks)." }),
    group: mkOption({ type: types.str, default: "root", description: "The group of a copied file (ignored for symlinks)." }),
  },
}));

/** The option `environment.etc`. */
export const etcOptions = withOptions().module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  return {
    options: {
      environment: {
        etc: mkOption({
          type: types.attrsOf(types.submodule([etcEntryOptions, fileEntryDefaults(FILE, pkgs, "etc")]), { nameType: types.relativePath }),
          default: {},
          example: { "issue": { text: "Welcome\n" }, "sudoers.d/alice": { text: "alice ALL=(ALL) ALL\n", mode: "0440" } },
          description:
            "Files of `/etc`, by name (the default target). Activation links each to its store path (or copies it, when `mode` is not `symlink`), and removes the files the previous generation managed that are gone. A name is a path relative to `/etc`: an absolute name, a `..` segment or a control character is an error, and so are two names that are one path once normalised (`a/b` and `./a//b`).",
        }),
      },
    },
  };
}));
