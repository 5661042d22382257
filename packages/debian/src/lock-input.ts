/**
 * Locking a Debian input: fetching the suite's `InRelease` from a mirror,
 * verifying its signature, and recording the `Packages` index of each
 * component with its size and SHA-256, as `nix flake lock` records the
 * revision and NAR hash of a flake input.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadFile, fetchSettingsFromEnvironment, type FetchSettings } from "@kiln/store";
import { DebianArchiveError, DebianSignatureError } from "./debian-errors.js";
import type { LockedDebianInput, LockedIndex } from "./lock-file.js";
import { parseRelease, verifyInRelease } from "./release-file.js";

/** What a Debian input names: a suite, its components, an architecture. */
export interface DebianInputSpec {
  /** A suite or codename: `bookworm`, `stable`, `bookworm-updates`. */
  readonly suite: string;
  /** Components, e.g. `["main"]` or `["main", "contrib", "non-free"]`. */
  readonly components: readonly string[];
  /** A Debian architecture, e.g. `amd64`. */
  readonly architecture: string;
}

/** Options of {@link lockDebianInput}. */
export interface LockOptions {
  /** Archive roots, tried in turn (see `debianMirrors`). */
  readonly mirrors: readonly string[];
  /** The keyring `gpgv` checks `InRelease` against (default: the host's Debian archive keyring). */
  readonly keyring?: string;
  readonly fetchSettings?: FetchSettings;
}

/** The compressions of a `Packages` index Kiln reads, preferred first. */
const INDEX_NAMES = ["Packages.xz", "Packages.gz"];

/** The compressions of a `Contents-ARCH` index Kiln reads (Debian publishes gzip). */
const CONTENTS_SUFFIXES = [".gz"];

/**
 * Locks `spec`: the verified `Release` of its suite from the first mirror that
 * serves one, and the index of each component.
 *
 * @throws DebianSignatureError when the signature does not verify (Kiln
 *   does not fall back to another mirror's copy silently: the error names
 *   each mirror that failed).
 * @throws DebianArchiveError when no mirror serves the suite, or the suite
 *   lacks a component or architecture.
 */
export async function lockDebianInput(spec: DebianInputSpec, options: LockOptions): Promise<LockedDebianInput> {
  const settings = options.fetchSettings ?? fetchSettingsFromEnvironment();
  const scratch = mkdtempSync(join(tmpdir(), "kiln-debian-lock-"));
  const failures: string[] = [];
  let signatureFailure: DebianSignatureError | undefined;
  try {
    for (const [n, mirror] of options.mirrors.entries()) {
      const url = `${mirror}dists/${spec.suite}/InRelease`;
      const file = join(scratch, `InRelease-${n}`);
      try {
        await downloadFile(url, file, { settings });
      } catch (error) {
        failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      let text: string;
      try {
        text = verifyInRelease(readFileSync(file), url, options.keyring);
      } catch (error) {
        if (!(error instanceof DebianSignatureError)) throw error;
        signatureFailure ??= error;
        failures.push(`${url}: ${error.message}`);
        continue;
      }
      const release = parseRelease(text, url);
      const indexes = spec.components.map((component): LockedIndex => {
        for (const name of INDEX_NAMES) {
          const entry = release.files.get(`${component}/binary-${spec.architecture}/${name}`);
          if (entry === undefined) continue;
          const contents = CONTENTS_SUFFIXES.map((suffix) => release.files.get(`${component}/Contents-${spec.architecture}${suffix}`)).find((file) => file !== undefined);
          return {
            component,
            path: `dists/${spec.suite}/${entry.path}`,
            size: entry.size,
            sha256: entry.sha256,
            ...(contents !== undefined ? { contents: { path: `dists/${spec.suite}/${contents.path}`, size: contents.size, sha256: contents.sha256 } } : {}),
          };
        }
        throw new DebianArchiveError(`suite '${spec.suite}' (from '${url}') has no index for component '${component}' and architecture '${spec.architecture}'; check 'components' and 'architecture'`);
      });
      return { type: "debian", suite: spec.suite, architecture: spec.architecture, components: [...spec.components], date: release.date, indexes };
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (signatureFailure !== undefined && failures.length === 1) throw signatureFailure;
  const detail = failures.map((failure) => `  ${failure}`).join("\n");
  if (signatureFailure !== undefined) throw new DebianSignatureError(`no mirror served a verifiable InRelease for suite '${spec.suite}':\n${detail}`);
  throw new DebianArchiveError(`no mirror served suite '${spec.suite}':\n${detail}\n(set KILN_DEBIAN_MIRRORS to a mirror that has it)`);
}
