/**
 * `system.activationScripts.<name>`: shell snippets run when the machine is
 * activated, after its files, users and groups are in place (NixOS's
 * `activation-script.nix`). Snippets are ordered and written to the store
 * as every target's are (`target/activation-snippets.ts`); they run with
 * `KILN_ROOT` set to the root being activated (`/` normally).
 */
import { defineModule } from "../../modules/define-module.js";
import { mkActivationSnippetsOption } from "../../target/activation-snippets.js";

const FILE = "@kiln/modules/machine/system/activation-scripts.ts";

/** The option `system.activationScripts`. */
export const activationScriptsOptions = defineModule({
  _file: FILE,
  options: {
    system: {
      activationScripts: mkActivationSnippetsOption({
        example: { wallpaper: { text: 'ln -sfn /srv/wallpapers "$KILN_ROOT/var/lib/wallpapers"', deps: ["makeSrv"] }, makeSrv: 'mkdir -p "$KILN_ROOT/srv"' },
        description:
          "Shell snippets run at activation, after files, users and groups: text, or `{ text, deps }` to run after the snippets named in `deps`. They run in dependency order, otherwise in name order, with `KILN_ROOT` set to the root being activated. Snippets run at every activation: make them idempotent.",
      }),
    },
  },
});
