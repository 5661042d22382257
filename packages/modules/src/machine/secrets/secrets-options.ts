/**
 * `secrets`: the secrets a machine decrypts at activation (agenix's
 * `age.secrets`, sops-nix's `sops.secrets` and `sops.templates`), with the
 * keys and the age program to decrypt them with. See `docs/secrets.md`.
 */
import { MACHINE_SECRETS_DIR } from "@kiln/formats";
import { defineModule } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/secrets/secrets-options.ts";

/** The options `secrets.files`, `secrets.templates`, `secrets.hostKeys` and `secrets.age`. */
export const secretsOptions = defineModule(located(FILE, {
  options: {
    secrets: {
      files: mkOption({
        type: types.listOf(types.secret),
        default: [],
        description: `Secrets made with \`secret()\` of @kiln/core, decrypted at activation into \`${MACHINE_SECRETS_DIR}/NAME\` (a tmpfs, mode 0751) with their owner, group and mode. Secrets used by \`secrets.templates\` or \`users.users.NAME.hashedPasswordFile\` are decrypted without being listed here.`,
      }),
      templates: mkOption({
        type: types.listOf(types.secretTemplate),
        default: [],
        description: `Templates made with \`secretTemplate()\`, rendered at activation into \`${MACHINE_SECRETS_DIR}/rendered/NAME\` with the secrets' contents filled in.`,
      }),
      hostKeys: mkOption({
        type: types.listOf(types.absolutePath),
        default: ["/etc/ssh/ssh_host_ed25519_key"],
        description: "The private keys (SSH ed25519 or age key files) activation decrypts the secrets with, tried in turn; paths on the machine (inside the root when activating into `--root DIR`).",
      }),
      age: mkOption({
        type: types.nullOr(types.package),
        default: null,
        example: 'deb.package("age")',
        description: "A package with `bin/age`, the program activation decrypts with: it is then in the generation's closure and the host's PATH does not matter. `null`: the `age` program on PATH (Debian's `age` package).",
      }),
    },
  },
}));
