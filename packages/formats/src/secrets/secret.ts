/**
 * `secret()`: a secret of a machine or home, as agenix's `age.secrets.NAME`
 * and sops-nix's `sops.secrets.NAME` declare one: an age-encrypted file in
 * the repository (only that ciphertext enters the store), decrypted at
 * activation into a RAM-backed directory with the owner, group and mode
 * given here.
 *
 * A `Secret` is a value of its own type, not a string. Interpolated
 * (`${db}`, `String(db)`) it gives the path where the plaintext will be at
 * run time (`/run/kiln/secrets/NAME`), never its content, which Kiln never
 * holds at evaluation. Passed as such where a string is expected, it is a
 * type error (a class is not assignable to `string` nor to a derivation
 * attribute), and `derivation()` and the option types refuse it at run
 * time too, for JavaScript callers.
 */
import { isAbsolute } from "node:path";
import { SecretDeclarationError } from "./secret-errors.js";

/** Where a machine's secrets are decrypted to. */
export const MACHINE_SECRETS_DIR = "/run/kiln/secrets";

/** Where a home's secrets are decrypted to: the variable is the user's runtime directory (`/run/user/UID`). */
export const HOME_SECRETS_DIR = "$XDG_RUNTIME_DIR/kiln/secrets";

const BRAND = Symbol.for("kiln.secret");

/** A secret's name: also its file name under the secrets directory. */
const SECRET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/** A user or group name (shadow's `NAME_REGEX`, as the manifest checks it). */
const ACCOUNT_NAME = /^[a-z_][a-z0-9_.-]*\$?$/i;

/** What a secret and a template both declare: the run-time file's name, owner, group and mode. */
export interface SecretFileSettings {
  /** The file's name under the secrets directory (letters, digits, `_`, `.`, `+`, `-`). */
  readonly name: string;
  /** The file's owner (a user name). Default `root`. */
  readonly owner?: string;
  /** The file's group (a group name). Default `root`. */
  readonly group?: string;
  /** The file's mode, in octal (`"0400"`). Default `"0400"`. */
  readonly mode?: string;
  /** Units restarted when the content changes, besides those whose unit file names its path. */
  readonly restartUnits?: readonly string[];
}

/** The arguments of {@link secret}. */
export interface SecretOptions extends SecretFileSettings {
  /** The age-encrypted file: `path("./secrets/db.age")` (a store path) or an absolute path. */
  readonly file: string;
}

/** Checks the fields a secret and a template share; `what` names the declaration in messages. */
function checkSecretFields(what: string, options: SecretFileSettings): void {
  if (typeof options.name !== "string" || !SECRET_NAME.test(options.name) || options.name === "rendered") {
    throw new SecretDeclarationError(`${what}: the name ${JSON.stringify(options.name)} is not usable as a file name: use letters, digits, '_', '.', '+' and '-' (not starting with '.' or '-', and not 'rendered')`);
  }
  for (const field of ["owner", "group"] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== "string" || !ACCOUNT_NAME.test(value) || value.length > 32)) {
      throw new SecretDeclarationError(`${what} '${options.name}': ${field} ${JSON.stringify(value)} is not a ${field === "owner" ? "user" : "group"} name`);
    }
  }
  if (options.mode !== undefined && (typeof options.mode !== "string" || !/^0?[0-7]{3}$/.test(options.mode))) {
    throw new SecretDeclarationError(`${what} '${options.name}': mode ${JSON.stringify(options.mode)} is not an octal mode such as "0400"`);
  }
}

/**
 * What a secret and a template share: a file that exists only at run time,
 * with its owner, group and mode. Interpolated, it is that file's path,
 * never its content.
 */
export abstract class RuntimeSecretFile {
  /** The file's name. */
  readonly name: string;
  /** The file's owner. */
  readonly owner: string;
  /** The file's group. */
  readonly group: string;
  /** The file's octal mode. */
  readonly mode: string;
  /** Units to restart when the content changes. */
  readonly restartUnits: readonly string[];
  /** Where the file is at run time. */
  readonly path: string;

  /** Checks and records the settings; `what` names the declaration in errors. */
  protected constructor(what: string, settings: SecretFileSettings, path: string, brand: symbol) {
    checkSecretFields(what, settings);
    this.name = settings.name;
    this.owner = settings.owner ?? "root";
    this.group = settings.group ?? "root";
    this.mode = settings.mode ?? "0400";
    this.restartUnits = [...(settings.restartUnits ?? [])];
    this.path = path;
    // Marks the kind across copies of `@kiln/core` in one process.
    Object.defineProperty(this, brand, { value: true });
  }

  /** The path of the file, so that `${value}` names where it will be, never what it holds. */
  toString(): string {
    return this.path;
  }
}

/** A secret: see the file comment. Make one with {@link secret}; its `path` is `/run/kiln/secrets/NAME` (`$XDG_RUNTIME_DIR/kiln/secrets/NAME` for a home's). */
export class Secret extends RuntimeSecretFile {
  /** The age-encrypted file (a store path once imported with `path()`). */
  readonly file: string;

  constructor(options: SecretOptions, directory: string = MACHINE_SECRETS_DIR) {
    super("secret", options, `${directory}/${options.name}`, BRAND);
    if (typeof options.file !== "string" || !isAbsolute(options.file)) {
      throw new SecretDeclarationError(`secret '${options.name}': file ${JSON.stringify(options.file)} must be an absolute path; write path("./secrets/${options.name}.age") to import the encrypted file`);
    }
    this.file = options.file;
  }

  /** JSON (the evaluated configuration in the toplevel) records the declaration, which holds no plaintext. */
  toJSON(): { readonly secret: string; readonly path: string; readonly file: string } {
    return { secret: this.name, path: this.path, file: this.file };
  }
}

/** Declares a machine's secret (see {@link Secret}). */
export function secret(options: SecretOptions): Secret {
  return new Secret(options);
}

/** Declares a home's secret, decrypted with the user's key into `$XDG_RUNTIME_DIR/kiln/secrets`. */
export function homeSecret(options: Omit<SecretOptions, "owner" | "group">): Secret {
  return new Secret(options, HOME_SECRETS_DIR);
}

/** Whether `value` is a {@link Secret} (from any copy of `@kiln/core`). */
export function isSecret(value: unknown): value is Secret {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** What to write instead of a secret where a string is expected. */
export function secretAsStringHint(value: Secret): string {
  return `secret '${value.name}' is not a string: its value must never reach the store. Use its path (\`\${secret}\` or secret.path, "${value.path}") for programs that read the secret from a file, or secretTemplate() for a file that must contain it`;
}
