/**
 * Alice's home of the machines example, end to end through the real `kiln`
 * command: switch a temporary home directory to it, check the files, the
 * shells and the generation listing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE, cacheDebianDownloads, debianArchiveUnavailable } from "../../packages/cli/test/debian-cache.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const KILN = fileURLToPath(new URL("../../packages/cli/bin/kiln.js", import.meta.url));
const project = join(here, "kiln.ts");

let work = "";
let storeDir = "";
let home = "";

function ok(...args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [KILN, ...args.slice(0, 1), "--store-dir", storeDir, ...args.slice(1)], {
    cwd: here,
    encoding: "utf8",
    env: { ...process.env, KILN_STATE_DIR: join(work, "state"), KILN_HASHED_MIRRORS: DEBIAN_CACHE },
  });
  if (result.status !== 0) throw new Error(`kiln ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-home-example-"));
  storeDir = join(work, "store", "store");
  home = join(work, "alice");
});
// Removing a store with Debian's unpacked trees takes a while on a loaded machine: more than the default minute.
afterAll(() => {
  cacheDebianDownloads(storeDir);
  rmSync(work, { recursive: true, force: true });
}, 300_000);

// htop comes from Debian's archive (or the download cache, which a fresh checkout lacks).
const skip = await debianArchiveUnavailable();
if (skip !== undefined) console.warn(`skipping alice's home: Debian's archive is unreachable (${skip})`);

describe.skipIf(skip !== undefined)("alice's home in the machines example", () => {
  let activationPackage = "";

  it("switches a home directory to it: git's config, bash's startup files, htop on the profile, her file", { timeout: 600_000 }, () => {
    const { stdout, stderr } = ok("switch", project, "--home", "alice", "--root", home);
    activationPackage = stdout.trim();
    expect(activationPackage).toMatch(/-kiln-home-alice$/);
    expect(stderr).toContain(`generation 1 of ${home}/.local/state/kiln/profiles/home is current`);
    expect(readFileSync(join(home, ".config", "git", "config"), "utf8")).toBe(
      "[init]\n\tdefaultBranch = main\n[user]\n\tname = Alice Liddell\n\temail = alice@example.org\n[alias]\n\tco = checkout\n\tst = status --short\n",
    );
    expect(readFileSync(join(home, ".config", "htop", "htoprc"), "utf8")).toBe("hide_kernel_threads=1\ntree_view=1\n");
    expect(lstatSync(join(home, ".bashrc")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(home, ".bashrc"), "utf8")).toContain("alias ll='ls -l'\nalias top='htop'\n");
    expect(readlinkSync(join(home, ".kiln-profile"))).toBe(readlinkSync(join(activationPackage, "home-path")));
    const env = { HOME: home, PATH: "/usr/bin:/bin" };
    // htop is Debian's, run from the store through its wrapper.
    expect(execFileSync("bash", ["--login", "-c", 'printf "%s|" "$EDITOR"; htop --version'], { encoding: "utf8", env, cwd: home })).toMatch(/^vi\|htop 3\.2\.\d/);
  });

  it("lists the home's generation", () => {
    const listing = ok("generations", "--home", "--root", home).stdout;
    expect(listing).toMatch(/^ {3}1 .*-kiln-home-alice {3}\(current\)$/m);
  });
});
