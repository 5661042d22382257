/**
 * Editing and re-encrypting a project's age files, as agenix's `-e` and
 * `-r` do: the plaintext exists on disk only while the editor has it open,
 * in a private temporary directory (mode 0700, the file 0600, under
 * `XDG_RUNTIME_DIR` when there is one, which is RAM-backed), and is removed
 * whatever happens; the encrypted file is replaced atomically, so a failed
 * encryption leaves the old one.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { writeFileAtomically, AgeError } from "@kiln/formats";
import { ageDecrypt, ageEncrypt } from "./age.js";
import type { SecretRules } from "./secret-rules.js";

/** Options of {@link editSecretFile} and {@link rekeySecretFiles}. */
export interface SecretFileOptions {
  /** Private keys to decrypt the existing file with. */
  readonly identities: readonly string[];
  /** The age program (default: `KILN_AGE`, else `age` on PATH). */
  readonly program?: string;
}

function writeCiphertext(path: string, content: Buffer): void {
  writeFileAtomically(path, content, 0o644);
}

/** What {@link editSecretFile} did. */
export type EditOutcome = "created" | "changed" | "unchanged";

/**
 * Decrypts `file` (if it exists) to a private temporary file, runs `editor`
 * on it, and encrypts the result for `recipients` back into `file`.
 */
export function editSecretFile(file: string, recipients: readonly string[], editor: string, options: SecretFileOptions): EditOutcome {
  const absolute = resolve(file);
  const existing = existsSync(absolute);
  const before = existing ? ageDecrypt(absolute, options.identities, { ...(options.program === undefined ? {} : { program: options.program }), what: `cannot decrypt ${absolute} with ${options.identities.join(", ") || "no key"}` }) : Buffer.alloc(0);
  const runtime = process.env["XDG_RUNTIME_DIR"];
  const directory = mkdtempSync(join(runtime !== undefined && runtime !== "" && existsSync(runtime) ? runtime : tmpdir(), "kiln-secret-"));
  try {
    const plain = join(directory, basename(absolute).replace(/\.age$/, ""));
    writeFileSync(plain, before, { mode: 0o600 });
    const edited = spawnSync("/bin/sh", ["-c", `${editor} "$1"`, "kiln-secrets-edit", plain], { stdio: "inherit" });
    if (edited.error !== undefined || edited.status !== 0) throw new AgeError(`the editor '${editor}' ${edited.error !== undefined ? `could not run: ${edited.error.message}` : `exited with status ${edited.status ?? edited.signal}`}; ${absolute} was not changed`);
    const after = readFileSync(plain);
    if (existing && after.equals(before)) return "unchanged";
    const encrypted = ageEncrypt(after, recipients, { ...(options.program === undefined ? {} : { program: options.program }), what: `cannot encrypt ${absolute}` });
    writeCiphertext(absolute, encrypted);
    return existing ? "changed" : "created";
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Encrypts every file listed in `rules` (found beside `rulesFile`) again for its current recipients; returns the files rekeyed and those missing. */
export function rekeySecretFiles(rules: SecretRules, rulesFile: string, options: SecretFileOptions): { readonly rekeyed: readonly string[]; readonly missing: readonly string[] } {
  const rekeyed: string[] = [];
  const missing: string[] = [];
  // Everything is decrypted first: a file no key here can open stops the rekey before any file changes.
  const plain = new Map<string, Buffer>();
  for (const name of Object.keys(rules).sort()) {
    const file = resolve(dirname(rulesFile), name);
    if (!existsSync(file)) {
      missing.push(file);
      continue;
    }
    plain.set(file, ageDecrypt(file, options.identities, { ...(options.program === undefined ? {} : { program: options.program }), what: `cannot decrypt ${file} with ${options.identities.join(", ") || "no key"}; nothing was rekeyed` }));
  }
  const encrypted = new Map<string, Buffer>();
  for (const [file, content] of plain) {
    const name = Object.keys(rules).find((key) => resolve(dirname(rulesFile), key) === file) as string;
    encrypted.set(file, ageEncrypt(content, rules[name]?.publicKeys ?? [], { ...(options.program === undefined ? {} : { program: options.program }), what: `cannot encrypt ${file}; nothing was rekeyed` }));
  }
  for (const [file, content] of encrypted) {
    writeCiphertext(file, content);
    rekeyed.push(file);
  }
  return { rekeyed, missing };
}
