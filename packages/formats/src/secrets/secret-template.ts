/**
 * `secretTemplate()`: a file rendered at activation with secrets' contents
 * filled in, for programs that cannot read a password from a file (the
 * sops-nix "templates" idea).
 *
 * The text is made at evaluation with a placeholder in place of each
 * secret (`t.secret(db)`); only that text, with placeholders, enters the
 * store. Activation replaces each placeholder with the decrypted content and
 * writes the result to `/run/kiln/secrets/rendered/NAME`, with the owner,
 * group and mode given. Interpolated, a template gives that path.
 */
import { createHash } from "node:crypto";
import { HOME_SECRETS_DIR, isSecret, MACHINE_SECRETS_DIR, RuntimeSecretFile, Secret, type SecretFileSettings } from "./secret.js";
import { SecretDeclarationError } from "./secret-errors.js";

const BRAND = Symbol.for("kiln.secretTemplate");

/** What a template's text function receives. */
export interface SecretTemplateContext {
  /** The placeholder that activation replaces with the content of `secret`. */
  secret(secret: Secret): string;
}

/** The arguments of {@link secretTemplate}. */
export interface SecretTemplateOptions extends SecretFileSettings {
  /** The text, with `t.secret(s)` where a secret's content goes. */
  readonly text: (t: SecretTemplateContext) => string;
}

/** The placeholder of the secret named `name`: unlike any text a configuration writes by chance. */
export function secretPlaceholder(name: string): string {
  return `<KILN_SECRET:${createHash("sha256").update(`kiln-secret\0${name}`).digest("hex").slice(0, 32)}:${name}>`;
}

/** A template: see the file comment. Make one with {@link secretTemplate}; its `path` is `/run/kiln/secrets/rendered/NAME`. */
export class SecretTemplate extends RuntimeSecretFile {
  /** The text with placeholders. */
  readonly text: string;
  /** The secrets the text uses, by name. */
  readonly secrets: ReadonlyMap<string, Secret>;

  constructor(options: SecretTemplateOptions, directory: string = MACHINE_SECRETS_DIR) {
    super("secretTemplate", options, `${directory}/rendered/${options.name}`, BRAND);
    if (typeof options.text !== "function") throw new SecretDeclarationError(`secretTemplate '${options.name}': text must be a function, t => \`…\${t.secret(s)}…\``);
    const used = new Map<string, Secret>();
    const text = options.text({
      secret(value: Secret): string {
        if (!isSecret(value)) throw new SecretDeclarationError(`secretTemplate '${options.name}': t.secret() takes a secret made with secret(), not ${typeof value}`);
        const known = used.get(value.name);
        if (known !== undefined && known.file !== value.file) throw new SecretDeclarationError(`secretTemplate '${options.name}' uses two different secrets named '${value.name}'`);
        used.set(value.name, value);
        return secretPlaceholder(value.name);
      },
    });
    if (typeof text !== "string") throw new SecretDeclarationError(`secretTemplate '${options.name}': text must return a string`);
    this.text = text;
    this.secrets = used;
  }

  /** JSON records the path and the text with placeholders, which holds no plaintext. */
  toJSON(): { readonly secretTemplate: string; readonly path: string } {
    return { secretTemplate: this.name, path: this.path };
  }
}

/** Declares a template rendered at activation (see {@link SecretTemplate}). */
export function secretTemplate(options: SecretTemplateOptions): SecretTemplate {
  return new SecretTemplate(options);
}

/** Declares a home's template, rendered into `$XDG_RUNTIME_DIR/kiln/secrets/rendered`. */
export function homeSecretTemplate(options: Omit<SecretTemplateOptions, "owner" | "group">): SecretTemplate {
  return new SecretTemplate(options, HOME_SECRETS_DIR);
}

/** Whether `value` is a {@link SecretTemplate}. */
export function isSecretTemplate(value: unknown): value is SecretTemplate {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
