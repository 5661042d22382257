/**
 * `home.username` and `home.homeDirectory`: whose home this is and where it
 * lives (home-manager's `home.username`, `home.homeDirectory`). The user
 * name names the activation package and its manifest; the directory is
 * where `kiln switch --home` places the files when no `--root` is given.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/home/account/home-account.ts";

/** The option `home.username`. */
export const homeUsernameOptions = defineModule({
  _file: FILE,
  options: {
    home: {
      username: mkOption({
        type: types.strMatching(/^[a-z_][a-z0-9_.-]*\$?$/i),
        example: "alice",
        description: "The user whose home this is: the activation package is `kiln-home-<username>`. Set it with `defineHome({ username })` or in a module.",
      }),
    },
  },
});

/** The option `home.homeDirectory` (with `home.username`, its default's source). */
export const homeAccountOptions = withOptions(homeUsernameOptions).module(
  located(FILE, ({ config }) => ({
    imports: [homeUsernameOptions],
    options: {
      home: {
        homeDirectory: mkOption({
          type: types.absolutePath,
          default: lazy(() => `/home/${config.home.username}`),
          defaultText: '"/home/" + home.username',
          example: "/home/alice",
          description: "The home directory, an absolute path without `..` segments (normalised: `/home//alice/` is `/home/alice`): where `kiln switch --home` puts the files unless `--root DIR` says otherwise.",
        }),
      },
    },
  })),
);
