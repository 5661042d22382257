/**
 * What the CLI tests against Debian's real archive share: the download
 * cache (a hashed mirror directory, `KILN_DEBIAN_CACHE` or `.cache/debian`,
 * that CI keeps between runs) and a probe that says why the archive cannot
 * be reached, so those tests skip instead of failing offline.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadFile, fetchSettingsFromEnvironment } from "@kiln/core";
import { debianMirrors } from "@kiln/debian";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The hashed mirror directory that caches the tests' downloads. */
export const DEBIAN_CACHE = resolve(process.env["KILN_DEBIAN_CACHE"] ?? join(repo, ".cache/debian"));

/** Why bookworm's `InRelease` cannot be fetched here, or `undefined` when it can. */
export async function debianArchiveUnavailable(): Promise<string | undefined> {
  const scratch = mkdtempSync(join(tmpdir(), "kiln-debian-probe-"));
  try {
    await downloadFile(`${debianMirrors("bookworm")[0]}dists/bookworm/InRelease`, join(scratch, "InRelease"), { settings: fetchSettingsFromEnvironment({ KILN_FETCH_ATTEMPTS: "1", KILN_CONNECT_TIMEOUT: "5" }) });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
