/**
 * `kiln secrets edit FILE` and `kiln secrets rekey`: agenix's `-e` and `-r`.
 * The recipients of each age file are listed in `secrets.ts` (see
 * `@kiln/core`'s `secret-rules.ts`); decryption uses the user's own key.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { checkSecretRules, editSecretFile, findSecretRules, loadConfig, recipientsOf, rekeySecretFiles, SECRET_RULES_FILE, type SecretRules } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { list, text } from "../settings/typed-option.js";
import { fallbackPackages } from "../config-options.js";
import { UsageError } from "../usage-error.js";

const USAGE = "secrets (edit FILE | rekey) [--rules FILE] [--identity KEY]…";

/** The private keys to decrypt with: `--identity`, else the user's SSH ed25519 key. */
function identities(given: readonly string[]): string[] {
  if (given.length > 0) return given.map((path) => resolve(path));
  const fallback = join(homedir(), ".ssh", "id_ed25519");
  return existsSync(fallback) ? [fallback] : [];
}

async function readRules(file: string): Promise<SecretRules> {
  const loaded = await loadConfig(file, { fallbackPackages: fallbackPackages() });
  return checkSecretRules(loaded.value, file);
}

/** The rules of a directory: in it, in its `secrets/`, else in the nearest directory above. */
function rulesInDirectory(directory: string): string | undefined {
  for (const candidate of [join(directory, SECRET_RULES_FILE), join(directory, "secrets", SECRET_RULES_FILE)]) if (existsSync(candidate)) return candidate;
  return findSecretRules(directory);
}

/** The rules file: `--rules`, else the nearest to the age file `near` (or, for `kind: "directory"`, to that directory). */
function rulesFile(given: string | undefined, near: string, kind: "file" | "directory"): string {
  if (given !== undefined) {
    if (!existsSync(given)) throw new UsageError(`the rules file '${given}' does not exist`);
    return resolve(given);
  }
  const found = kind === "file" ? findSecretRules(near) : rulesInDirectory(resolve(near));
  if (found === undefined) {
    throw new UsageError(`no ${SECRET_RULES_FILE} found beside ${resolve(near)} or above it: write one whose default export lists each age file with its recipients, e.g. export default { "db.age": { publicKeys: ["ssh-ed25519 AAAA…"] } }, or give it with --rules`);
  }
  return found;
}

export const secretsCommand = defineCommand({
  name: "secrets",
  summary: "Edit an age-encrypted secret ('kiln secrets edit FILE'), or encrypt all secrets again for their recipients ('kiln secrets rekey')",
  usage: USAGE,
  description:
    "edit FILE: decrypts FILE with your key into a private temporary file, opens $VISUAL, else $EDITOR, else vi on it, encrypts the result for the recipients secrets.ts lists for FILE, and removes the plaintext; a new FILE is created. " +
    "rekey: decrypts every file secrets.ts lists and encrypts it again for the recipients listed now, after a key was added or removed; if any file cannot be decrypted, none is changed. " +
    "secrets.ts is looked for beside FILE (or the current directory, and its secrets/ directory) and above; its default export maps each age file, relative to it, to { publicKeys: [...] }, SSH ed25519 or age public keys. " +
    "The age program is KILN_AGE, else 'age' on PATH (Debian's age package). See docs/secrets.md.",
  options: [
    text("rules", { value: "FILE", description: `The recipients file (default: the nearest ${SECRET_RULES_FILE})` }),
    list("identity", { short: "i", value: "KEY", description: "A private key to decrypt with (default: ~/.ssh/id_ed25519)" }),
  ],
  async run(settings, io) {
    const [subcommand, ...rest] = settings.positionals;
    if (subcommand === "edit") {
      const [file, ...extra] = rest;
      if (file === undefined || extra.length > 0) throw new UsageError("'kiln secrets edit' takes one age file, e.g. 'kiln secrets edit secrets/db.age'");
      const rules = rulesFile(settings.rules, file, "file");
      const recipients = recipientsOf(await readRules(rules), rules, file);
      const editor = process.env["VISUAL"] || process.env["EDITOR"] || "vi";
      const outcome = editSecretFile(file, recipients, editor, { identities: identities(settings.identity) });
      io.stderr.write(outcome === "unchanged" ? `${file} is unchanged\n` : `${outcome === "created" ? "created" : "encrypted"} ${file} for ${recipients.length} recipient${recipients.length === 1 ? "" : "s"}\n`);
      return 0;
    }
    if (subcommand === "rekey" && rest.length === 0) {
      const rules = rulesFile(settings.rules, process.cwd(), "directory");
      const { rekeyed, missing } = rekeySecretFiles(await readRules(rules), rules, { identities: identities(settings.identity) });
      for (const file of missing) io.stderr.write(`warning: ${file} is listed in ${rules} but does not exist; create it with 'kiln secrets edit ${file}'\n`);
      io.stderr.write(`rekeyed ${rekeyed.length} file${rekeyed.length === 1 ? "" : "s"} listed in ${rules}\n`);
      return 0;
    }
    throw new UsageError(`usage: kiln ${USAGE}`);
  },
});
