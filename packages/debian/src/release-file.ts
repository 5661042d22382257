/**
 * A suite's `InRelease`: the signed `Release` file that lists every index of
 * the suite with its size and SHA-256, so that one verified signature pins
 * all of them (as apt's secure-apt chain does). The signature is checked by
 * `gpgv` against a keyring of Debian's archive keys; Kiln does no OpenPGP
 * itself.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { controlField, parseControlFile } from "./control-file.js";
import { DebianArchiveError, DebianSignatureError } from "./debian-errors.js";

/** The host's keyring of Debian's archive keys, as the `debian-archive-keyring` package installs it. */
export const DEBIAN_ARCHIVE_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/** One file a `Release` lists. */
export interface ReleaseFile {
  /** Its path below the suite's directory, e.g. `main/binary-amd64/Packages.xz`. */
  readonly path: string;
  readonly size: number;
  /** SHA-256, lower-case hex. */
  readonly sha256: string;
}

/** What Kiln takes from a `Release` file. */
export interface Release {
  /** The `Date` field, as written. */
  readonly date: string;
  /** The `Codename` (e.g. `bookworm`), or `""`. */
  readonly codename: string;
  /** The files of the `SHA256` field, by path. */
  readonly files: ReadonlyMap<string, ReleaseFile>;
}

/**
 * Checks the clear-signed `inRelease` with `gpgv` against `keyring` and
 * returns the signed text, and nothing that lies outside the signature.
 *
 * @throws DebianSignatureError when `gpgv` is missing, the keyring is
 *   missing, or the signature does not verify.
 */
export function verifyInRelease(inRelease: Uint8Array, source: string, keyring: string = DEBIAN_ARCHIVE_KEYRING): string {
  if (!existsSync(keyring)) {
    throw new DebianSignatureError(`cannot verify '${source}': the keyring '${keyring}' does not exist (install the 'debian-archive-keyring' package, or give 'keyring')`);
  }
  const scratch = mkdtempSync(join(tmpdir(), "kiln-inrelease-"));
  try {
    const signed = join(scratch, "InRelease");
    const output = join(scratch, "Release");
    writeFileSync(signed, inRelease);
    const result = spawnSync("gpgv", ["--keyring", keyring, "--output", output, signed], { encoding: "utf8" });
    if (result.error !== undefined) {
      const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
      throw new DebianSignatureError(
        missing
          ? `cannot verify '${source}': 'gpgv' is not installed (install the 'gpgv' package); Kiln does not use an index it cannot verify`
          : `cannot verify '${source}': running gpgv failed: ${result.error.message}`,
      );
    }
    if (result.status !== 0 || !existsSync(output)) {
      const detail = result.stderr.trim().split("\n").map((line) => `  ${line}`).join("\n");
      throw new DebianSignatureError(`the signature of '${source}' does not verify against '${keyring}'; the file may have been tampered with:\n${detail}`);
    }
    return readFileSync(output, "utf8");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Parses the text of a `Release` file.
 *
 * @throws DebianArchiveError when it has no `Date` or no `SHA256` list.
 */
export function parseRelease(text: string, source: string): Release {
  const [paragraph] = parseControlFile(text);
  const date = paragraph !== undefined ? controlField(paragraph, "Date") : undefined;
  const sha256 = paragraph !== undefined ? controlField(paragraph, "SHA256") : undefined;
  if (date === undefined || sha256 === undefined) throw new DebianArchiveError(`'${source}' is not a Release file: it has no ${date === undefined ? "Date" : "SHA256"} field`);
  const files = new Map<string, ReleaseFile>();
  for (const line of sha256.split("\n")) {
    const [hash, size, path] = line.trim().split(/\s+/);
    if (hash === undefined || size === undefined || path === undefined) continue;
    if (!/^[0-9a-f]{64}$/.test(hash) || !/^[0-9]+$/.test(size)) throw new DebianArchiveError(`'${source}': malformed SHA256 line '${line.trim()}'`);
    files.set(path, { path, size: Number(size), sha256: hash });
  }
  return { date, codename: (paragraph !== undefined ? controlField(paragraph, "Codename") : undefined) ?? "", files };
}
