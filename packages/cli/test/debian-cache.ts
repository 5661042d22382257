/**
 * Test helper for CLI tests against Debian's real archive: the hashed
 * mirror directory that keeps downloads between runs (CI keeps it), and
 * filling it from a test store, so that a `.deb` or index fetched once is
 * never fetched again (Kiln reads `KILN_HASHED_MIRRORS` before any mirror);
 * and why such tests cannot run here, if they cannot.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadFile, fetchSettingsFromEnvironment } from "@kiln/core";
import { debianMirrors } from "@kiln/debian";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The hashed mirror directory (`KILN_DEBIAN_CACHE`, default `<repo>/.cache/debian`). */
export const DEBIAN_CACHE = resolve(process.env["KILN_DEBIAN_CACHE"] ?? join(repo, ".cache/debian"));

/** Copies the `.deb`s and `Packages` indexes of `storeDir` into {@link DEBIAN_CACHE} as `sha256/<hex>`; returns how many were new. */
export function cacheDebianDownloads(storeDir: string): number {
  let added = 0;
  let names: string[];
  try {
    names = readdirSync(storeDir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!/\.deb$|-Packages\.(xz|gz)$|-Contents-[\w-]+\.gz$/.test(name)) continue;
    const path = join(storeDir, name);
    if (!statSync(path).isFile()) continue;
    const cached = join(DEBIAN_CACHE, "sha256", createHash("sha256").update(readFileSync(path)).digest("hex"));
    if (existsSync(cached)) continue;
    mkdirSync(dirname(cached), { recursive: true });
    copyFileSync(path, `${cached}.tmp-${process.pid}`);
    renameSync(`${cached}.tmp-${process.pid}`, cached);
    added++;
  }
  return added;
}

/** Why tests against the archive cannot run here (no mirror, or it does not answer), or `undefined` when bookworm's InRelease can be fetched. */
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
