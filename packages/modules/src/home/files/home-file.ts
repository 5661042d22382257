/**
 * `home.file.<path>`: the files of the home directory the home manages
 * (home-manager's `home.file`). Each is a store path (`source`, or `text`
 * written to the store) that activation links to from
 * `~/<target>`; every other home module produces its files here, so
 * `config.home.file` lists everything the home puts in the home directory.
 *
 * `executable`: the home is made of links only (a rollback is a relink),
 * so an executable file is not a copy with mode 0755 but a store copy of
 * the source made executable (`true`) or not (`false`), which the entry
 * links to; `null` keeps the source's own mode.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { types } from "../../types/index.js";
import { homeFileTarget } from "./home-file-target.js";
import { located } from "../../target/module-file.js";
import { fileEntryDefaults } from "../../target/file-entry-defaults.js";
import { machinePackageSet } from "../../target/package-set.js";

const FILE = "@kiln/modules/home/files/home-file.ts";

/** The options of one `home.file` entry. */
export const homeFileEntryOptions = defineModule(located(FILE, {
  options: {
    enable: mkOption({ type: types.bool, default: true, description: "Whether this file is created. Set it to false to drop a file another module defines." }),
    target: mkOption({
      type: homeFileTarget,
      example: ".config/app/config.toml",
      description: "The file's path relative to the home directory (or starting with `~/`, or absolute inside `home.homeDirectory`); defaults to the attribute name. It is normalised (`./.config//app` is `.config/app`) and may not have `..` segments or control characters.",
    }),
    text: mkOption({ type: types.nullOr(types.lines), default: null, description: "The file's contents; when set, `source` is this text written to the store." }),
    source: mkOption({
      type: types.either(types.path, types.package),
      description: "The store path (a file, a directory or a package) the entry links to. Copy a local file into the store with `path(\"./file\")` from @kiln/core.",
    }),
    executable: mkOption({
      type: types.nullOr(types.bool),
      default: null,
      description: "`true`: the entry links to a store copy of the file that is executable; `false`: to one that is not; `null`: to the source as it is. Home files are always links, so that switching and rolling back only relink.",
    }),
  },
}));

/** The option `home.file`. */
export const homeFileOptions = withOptions().module(
  located(FILE, (args) => {
    const pkgs = machinePackageSet(args.pkgs);
    return {
      options: {
        home: {
          file: mkOption({
            type: types.attrsOf(types.submodule([homeFileEntryOptions, fileEntryDefaults(FILE, pkgs, "home-file")]), { nameType: homeFileTarget }),
            default: {},
            example: { ".inputrc": { text: "set editing-mode vi\n" }, "bin/hello": { text: "#!/bin/sh\necho hello\n", executable: true } },
            description:
              "Files of the home directory, by path relative to it (the default target). Activation links each to its store path, moves a file of yours that is in the way to `<name>.before-kiln`, and removes the links the previous generation made that are gone. A name with a `..` segment or a control character is an error, and so are two names that are one path once normalised (`.inputrc` and `./.inputrc`).",
          }),
        },
      },
    };
  }),
);
