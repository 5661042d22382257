/**
 * `home.packages`: the packages installed in the home, and `home.path`,
 * the `buildEnv` of them (home-manager's `home-manager-path`), which the
 * activation package links as `home-path` and the home directory as
 * `~/.kiln-profile`, so that `~/.kiln-profile/bin` (on `PATH` through
 * `~/.kiln/session-vars.sh`) always holds the current generation's
 * programs.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";
import { machinePackageSet } from "../../target/package-set.js";
import { homeFileOptions } from "../files/home-file.js";

const FILE = "@kiln/modules/home/packages/home-packages.ts";

/** Where the home directory links `home.path`. */
export const PROFILE_LINK = ".kiln-profile";

/** The options `home.packages` and `home.path`. */
export const homePackagesOptions = defineModule({
  _file: FILE,
  options: {
    home: {
      packages: mkOption({
        type: types.listOf(types.package),
        default: [],
        description:
          "The packages installed in the home: their files are linked together in `home.path`, which the home directory links as `~/.kiln-profile`; its `bin` goes on `PATH` in the shells the home configures. Packages that provide the same file: the first one listed wins, with a warning.",
      }),
      path: mkOption({
        type: types.package,
        readOnly: true,
        internal: true,
        description: "The packages of `home.packages` linked into one tree (`buildEnv`).",
      }),
    },
  },
});

/** Builds `home.path` and links it as `~/.kiln-profile`. */
export const homePackages = withOptions(homePackagesOptions, homeFileOptions).module(
  located(FILE, (args) => {
    const pkgs = machinePackageSet(args.pkgs);
    const { config } = args;
    return {
      key: FILE,
      imports: [homePackagesOptions],
      config: {
        home: {
          path: lazy(() => pkgs.buildEnv({ name: "home-path", paths: config.home.packages, ignoreCollisions: true })),
          file: { [PROFILE_LINK]: { source: lazy(() => config.home.path) } },
        },
      },
    };
  }),
);
