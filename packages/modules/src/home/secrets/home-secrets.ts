/**
 * `home.secrets`: the secrets a home decrypts at activation with the user's
 * own key into `$XDG_RUNTIME_DIR/kiln/secrets` (agenix's home-manager
 * module), declared as a machine's are. See `docs/secrets.md`.
 */
import { HOME_SECRETS_DIR } from "@kiln/formats";
import { defineModule } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/home/secrets/home-secrets.ts";

/** The options `home.secrets.files`, `.templates`, `.identities` and `.age`. */
export const homeSecretsOptions = defineModule(located(FILE, {
  options: {
    home: {
      secrets: {
        files: mkOption({
          type: types.listOf(types.secret),
          default: [],
          description: `Secrets made with \`homeSecret()\` of @kiln/core, decrypted at activation into \`${HOME_SECRETS_DIR}/NAME\` with their mode. Secrets used by \`home.secrets.templates\` are decrypted without being listed here.`,
        }),
        templates: mkOption({
          type: types.listOf(types.secretTemplate),
          default: [],
          description: `Templates made with \`homeSecretTemplate()\`, rendered at activation into \`${HOME_SECRETS_DIR}/rendered/NAME\`.`,
        }),
        identities: mkOption({
          type: types.listOf(types.str),
          default: [".ssh/id_ed25519"],
          description: "The user's private keys (SSH ed25519 or age key files) the secrets are decrypted with, tried in turn: absolute paths, or paths relative to the home directory.",
        }),
        age: mkOption({
          type: types.nullOr(types.package),
          default: null,
          description: "A package with `bin/age` to decrypt with (then in the home's closure); `null`: the `age` program on PATH.",
        }),
      },
    },
  },
}));
