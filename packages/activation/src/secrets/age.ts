/**
 * Encrypting and decrypting with age, the format agenix uses, by running
 * the maintained `age` program (Debian's `age` package, or the one a
 * configuration puts in its closure): Kiln does no cryptography itself.
 * Recipients are age keys (`age1…`) or SSH ed25519 public keys; identities
 * are age key files or SSH private keys (a host's `ssh_host_ed25519_key`).
 *
 * The plaintext only travels through pipes: it is given to age on standard
 * input and taken from its standard output, never written to a file here.
 */
import { spawnSync } from "node:child_process";
import { AgeError } from "@kiln/formats";

/**
 * The age program to run: `program` when given (a store path from the
 * configuration), else `KILN_AGE`, else `age` from `PATH`.
 */
export function ageProgram(program?: string): string {
  if (program !== undefined && program !== "") return program;
  const fromEnvironment = process.env["KILN_AGE"];
  return fromEnvironment !== undefined && fromEnvironment !== "" ? fromEnvironment : "age";
}

function run(program: string, args: readonly string[], input: Buffer | undefined, what: string): Buffer {
  const result = spawnSync(program, args, { input, maxBuffer: 256 * 1024 * 1024, stdio: ["pipe", "pipe", "pipe"] });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new AgeError(
      code === "ENOENT"
        ? `${what}: the age program '${program}' was not found; install Debian's 'age' package, or set secrets.age to a package that has bin/age`
        : `${what}: running '${program}' failed: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    // age's own words, without its prefix and its line asking for bug reports.
    const said = result.stderr
      .toString("utf8")
      .split("\n")
      .map((line) => line.replace(/^age: (error: )?/, "").trim())
      .filter((line) => line !== "" && !/^(age: )?report unexpected or unhelpful errors/i.test(line))
      .join("; ");
    throw new AgeError(`${what}: ${said === "" ? `age exited with status ${result.status ?? result.signal}` : said}`);
  }
  return result.stdout;
}

/** Decrypts the age file `file` with the first of `identities` (key files) that can; `what` names it in errors. */
export function ageDecrypt(file: string, identities: readonly string[], options: { readonly program?: string; readonly what?: string } = {}): Buffer {
  const what = options.what ?? `cannot decrypt ${file}`;
  if (identities.length === 0) throw new AgeError(`${what}: no key to decrypt it with`);
  return run(ageProgram(options.program), [...identities.flatMap((identity) => ["-i", identity]), "-d", file], undefined, what);
}

/** Encrypts `plaintext` for `recipients` (age or SSH public keys), returning the ciphertext, ASCII-armoured (text that diffs and reviews well). */
export function ageEncrypt(plaintext: Buffer, recipients: readonly string[], options: { readonly program?: string; readonly what?: string } = {}): Buffer {
  const what = options.what ?? "cannot encrypt";
  if (recipients.length === 0) throw new AgeError(`${what}: no recipients: list the public keys that may read it`);
  return run(ageProgram(options.program), ["-e", "-a", ...recipients.flatMap((recipient) => ["-r", recipient.trim()])], plaintext, what);
}
