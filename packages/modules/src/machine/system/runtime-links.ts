/**
 * `system.runtimeLinks.<path>`: symlinks below `/run` to store paths, made
 * at every activation of the machine (and at boot, `/run` being emptied
 * then), replaced by rename, and removed when a generation without them is
 * activated (a rollback). NixOS makes `/run/opengl-driver` and
 * `/run/current-system` so, in its activation script (now with tmpfiles'
 * `L+` rules). The targets are in the activation manifest, so the
 * generation keeps them from the garbage collector.
 */
import { defineModule } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/system/runtime-links.ts";

/** The option `system.runtimeLinks`. */
export const runtimeLinksOptions = defineModule(located(FILE, {
  options: {
    system: {
      runtimeLinks: mkOption({
        type: types.attrsOf(types.package),
        default: {},
        example: { "/run/opengl-driver": "/nix/store/…-graphics-drivers" },
        description:
          "Symlinks below `/run` to store paths, by absolute path: made at every activation (and at boot) by renaming a new link over the old one, and removed when a generation without them is activated. `hardware.graphics` links its drivers at `/run/opengl-driver` this way.",
      }),
    },
  },
}));
