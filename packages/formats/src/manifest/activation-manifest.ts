/**
 * The activation manifest: the contract between what a machine or home
 * evaluates to and what `kiln switch` applies.
 *
 * A machine's `system.build.toplevel` (and a home's
 * `home.build.activationPackage`) is one store path holding
 * `kiln-activation.json` of this shape. Every store path it names is a
 * reference of that output, so the generation's closure holds everything
 * activation links to, and the garbage collector keeps it while the
 * generation exists.
 *
 * Layout of a machine's toplevel:
 * - `kiln-activation.json` ({@link ActivationManifest}, `kind: "machine"`);
 * - `sw` → the `buildEnv` of `environment.systemPackages`;
 * - `etc/` → a tree of symlinks mirroring {@link ActivationManifest.files}, to browse;
 * - `config.json`: the evaluated configuration (derivations as their paths).
 *
 * A home's activation package has `kind: "home"`, `home-path` → the
 * `buildEnv` of `home.packages`, and `files` relative to the home directory.
 */

/** The file name of the manifest inside a toplevel or activation package. */
export const ACTIVATION_MANIFEST_FILE = "kiln-activation.json";

/** The manifest format version this Kiln writes and reads. */
export const ACTIVATION_MANIFEST_VERSION = 1;

/**
 * One managed file. Its key in {@link ActivationManifest.files} is the path
 * relative to the target directory (`/etc` of the root for a machine, the
 * home directory for a home), with `/` separators, no `.` or `..` segments
 * and no leading `/`, e.g. `ssh/sshd_config` or `systemd/system/nginx.service`.
 */
export interface ManagedFile {
  /** The store path (file or directory) the entry links to or is copied from. */
  readonly source: string;
  /**
   * `"symlink"`: the entry is a symlink to `source` (the default, as NixOS
   * links `/etc`). An octal mode such as `"0600"`: the entry is a copy of
   * `source` with that mode (for programs that refuse symlinks or need
   * modes other than the store's read-only ones).
   */
  readonly mode: "symlink" | string;
  /** Owner of a copied file (ignored for symlinks); a user name. */
  readonly user: string;
  /** Group of a copied file (ignored for symlinks); a group name. */
  readonly group: string;
}

/** A user account the machine declares. */
export interface ManagedUser {
  /** Numeric id, or `null` to allocate one (from 1000 up for normal users, from 999 down for system users). */
  readonly uid: number | null;
  readonly isSystemUser: boolean;
  readonly description: string;
  /** The primary group's name. */
  readonly group: string;
  /** Supplementary groups. */
  readonly extraGroups: readonly string[];
  readonly home: string;
  readonly createHome: boolean;
  /** Login shell: an absolute path. */
  readonly shell: string;
  /** The secret (by name, in {@link ManagedSecrets.secrets}) whose content is the password hash written to `/etc/shadow`. */
  readonly hashedPasswordSecret?: string;
  /**
   * The package (store path) whose `lib/sysusers.d` declares this account,
   * when the configuration does not: activation makes it when the root
   * lacks it and otherwise leaves it as it is, as systemd-sysusers does.
   */
  readonly fromPackage?: string;
}

/** A group the machine declares. */
export interface ManagedGroup {
  /** Numeric id, or `null` to allocate one. */
  readonly gid: number | null;
  /** Members besides users naming it as a group. */
  readonly members: readonly string[];
  /** As {@link ManagedUser.fromPackage}: a group a package declares, made only when missing. */
  readonly fromPackage?: string;
}

/** A shell snippet run during activation, after files, users and groups are in place. */
export interface ActivationScript {
  /** The snippet's name (`system.activationScripts.<name>`). */
  readonly name: string;
  /** A store path of an executable bash script; it runs with `KILN_ROOT` set to the root activated into (`/` normally). */
  readonly script: string;
}

/** A package in the generation, for `kiln diff`. */
export interface ManifestPackage {
  /** The derivation name, e.g. `hello-2.10`. */
  readonly name: string;
  /** `pname` when the package has one. */
  readonly pname: string | null;
  /** `version` when the package has one. */
  readonly version: string | null;
  /** Its (first) output path. */
  readonly path: string;
}

/** One secret: an age file in the store, decrypted at activation (see `secret-activation.ts`). */
export interface ManagedSecret {
  /** The age-encrypted file: a store path. */
  readonly source: string;
  /** The decrypted file's owner (a user name). */
  readonly owner: string;
  /** The decrypted file's group (a group name). */
  readonly group: string;
  /** The decrypted file's octal mode, e.g. `"0400"`. */
  readonly mode: string;
  /** Units to restart when its content changes, besides those whose unit file names its path. */
  readonly restartUnits: readonly string[];
}

/** A template rendered at activation: its text holds placeholders for the secrets it names. */
export interface ManagedSecretTemplate {
  /** The text, with `secretPlaceholder(NAME)` where the secret NAME's content goes. */
  readonly text: string;
  /** The secrets the text uses, by name. */
  readonly secrets: readonly string[];
  readonly owner: string;
  readonly group: string;
  readonly mode: string;
  readonly restartUnits: readonly string[];
}

/** The secrets of a generation. */
export interface ManagedSecrets {
  /** The age program to decrypt with (a store path in the closure), or `null` for `age` from `PATH`. */
  readonly age: string | null;
  /** The private keys to decrypt with: a machine's are absolute paths inside the root activated into; a home's are absolute, or relative to the home directory. */
  readonly identities: readonly string[];
  /** Secrets by name: files `NAME` in the secrets directory. */
  readonly secrets: Readonly<Record<string, ManagedSecret>>;
  /** Templates by name: files `rendered/NAME` in the secrets directory. */
  readonly templates: Readonly<Record<string, ManagedSecretTemplate>>;
}

/** `kiln-activation.json`. */
export interface ActivationManifest {
  readonly version: typeof ACTIVATION_MANIFEST_VERSION;
  readonly kind: "machine" | "home";
  /** The machine's host name, or the home's user name. */
  readonly name: string;
  /** Managed files, by path relative to the target directory. */
  readonly files: Readonly<Record<string, ManagedFile>>;
  /** Users to create or update (machines only; empty for homes). */
  readonly users: Readonly<Record<string, ManagedUser>>;
  /** Groups to create or update (machines only; empty for homes). */
  readonly groups: Readonly<Record<string, ManagedGroup>>;
  /** Snippets run in this order after the files, users and groups. */
  readonly activationScripts: readonly ActivationScript[];
  /** The installed packages (`environment.systemPackages` or `home.packages`), for diffs. */
  readonly packages: readonly ManifestPackage[];
  /** Secrets decrypted at activation; absent when there are none. */
  readonly secrets?: ManagedSecrets;
  /**
   * Store paths of packages whose system accounts (`lib/sysusers.d/*.conf`)
   * the machine needs; reading the manifest adds those `users` and `groups`
   * lack (see `package-accounts.ts`). Absent: none.
   */
  readonly accountsFrom?: readonly string[];
}
