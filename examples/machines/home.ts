/**
 * Alice's home: git with her name and aliases, bash with aliases, htop, and
 * a file of her own, the same on every machine she uses:
 *
 *   kiln switch ./examples/machines/kiln.ts --home alice --root /tmp/alice
 *   kiln generations --home --root /tmp/alice
 */
import { defineHomeModule } from "@kiln/modules";
import type { pkgs } from "./pkgs.js";

export const alice = defineHomeModule<typeof pkgs>(({ pkgs }) => ({
  config: {
    home: {
      username: "alice",
      packages: [pkgs.htop],
      sessionVariables: { EDITOR: "vi" },
      file: { ".config/htop/htoprc": { text: "hide_kernel_threads=1\ntree_view=1\n" } },
    },
    programs: {
      git: {
        enable: true,
        userName: "Alice Liddell",
        userEmail: "alice@example.org",
        aliases: { co: "checkout", st: "status --short" },
        settings: { init: { defaultBranch: "main" } },
      },
      bash: { enable: true, shellAliases: { ll: "ls -l", top: "htop" } },
    },
  },
}));
