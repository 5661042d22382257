/**
 * The machines example, end to end through the real `kiln` command:
 * instantiate the streaming machine (OBS and its Debian plugins are large, so
 * it is evaluated, not built), build the laptop with its Debian packages,
 * switch a root directory to it, switch again, to a changed config, to a
 * broken one, roll back, and collect garbage. Debian's `.deb`s come from the
 * shared download cache when it has them, and are added to it otherwise.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE, cacheDebianDownloads, debianArchiveUnavailable } from "../../packages/cli/test/debian-cache.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const KILN = fileURLToPath(new URL("../../packages/cli/bin/kiln.js", import.meta.url));
const project = join(here, "kiln.ts");
const updated = join(here, "test-fixtures", "laptop-updated.ts");
const broken = join(here, "test-fixtures", "broken-activation.ts");

let work = "";
let storeDir = "";
let root = "";

function kiln(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [KILN, ...args.slice(0, 1), "--store-dir", storeDir, ...args.slice(1)], {
    cwd: here,
    encoding: "utf8",
    env: { ...process.env, KILN_STATE_DIR: join(work, "state"), KILN_HASHED_MIRRORS: DEBIAN_CACHE },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(...args: string[]): { stdout: string; stderr: string } {
  const result = kiln(...args);
  if (result.status !== 0) throw new Error(`kiln ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return result;
}

/** Every entry under `directory`: links with their targets, files with mode and content. */
function tree(directory: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (path: string, relative: string): void => {
    for (const name of readdirSync(path).sort()) {
      const child = join(path, name);
      const key = relative === "" ? name : `${relative}/${name}`;
      const stats = lstatSync(child);
      if (stats.isSymbolicLink()) entries[key] = `-> ${readlinkSync(child)}`;
      else if (stats.isDirectory()) {
        entries[key] = "dir";
        walk(child, key);
      } else entries[key] = `${(stats.mode & 0o777).toString(8)} ${readFileSync(child, "utf8")}`;
    }
  };
  walk(directory, "");
  return entries;
}

/** The root without Kiln's own bookkeeping (profile links and the active link). */
function machineTree(): Record<string, string> {
  return Object.fromEntries(Object.entries(tree(root)).filter(([key]) => !key.startsWith("var/lib/kiln")));
}

function generationNumbers(): number[] {
  return JSON.parse(ok("generations", "--root", root, "--json").stdout).map((generation: { number: number }) => generation.number);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-machines-"));
  storeDir = join(work, "store", "store");
  root = join(work, "root");
  // A root as a distribution leaves it: its own accounts and a motd of its own.
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
  writeFileSync(join(root, "etc", "group"), "root:x:0:\nusers:x:100:\nnogroup:x:65534:\n");
  writeFileSync(join(root, "etc", "shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
  writeFileSync(join(root, "etc", "motd"), "The distribution's motd.\n");
});
// The store holds the Debian roots (tens of thousands of files), which take a while to delete on a busy machine.
afterAll(() => {
  cacheDebianDownloads(storeDir);
  rmSync(work, { recursive: true, force: true });
}, 300_000);

// The example's packages come from Debian's archive (or the download cache, which a fresh checkout lacks).
const skip = await debianArchiveUnavailable();
if (skip !== undefined) console.warn(`skipping the machines example: Debian's archive is unreachable (${skip})`);

describe.skipIf(skip !== undefined)("the machines example", () => {
  let laptop = "";
  let distributionTree: Record<string, string> = {};
  let laptopTree: Record<string, string> = {};

  it("instantiates the streaming machine: OBS with Debian's plugins in one environment, Debian's GPU drivers, the virtual camera", () => {
    expect(ok("instantiate", `${project}#machines.streaming`).stdout.trim()).toMatch(/-kiln-system-streaming\.drv$/);
    const packages = JSON.parse(ok("eval", `${project}#machines.streaming.config.environment.systemPackages`, "--json").stdout) as string[];
    const names = packages.map((path) => basename(path).slice(33)).sort();
    expect(names).toEqual([
      expect.stringMatching(/^git-1_2\./),
      expect.stringMatching(/^htop-3\./),
      expect.stringMatching(/^mangohud-0\./),
      expect.stringMatching(/^obs-studio-29\.[^/]*-with-packages$/),
      expect.stringMatching(/^openssh-server-1_9\.[^/]*-with-packages$/),
      "steam-1.0.0.81",
    ]);
    const drivers = JSON.parse(ok("eval", `${project}#machines.streaming.config.hardware.graphics.extraPackages`, "--json").stdout) as string[];
    expect(drivers.map((path) => basename(path).slice(33).replace(/-\d.*$/, ""))).toEqual(["nvidia-vaapi-driver", "mesa-opencl-icd"]);
    // OBS's virtual camera loads v4l2loopback, after the NVIDIA modules of this machine.
    expect(JSON.parse(ok("eval", `${project}#machines.streaming.config.boot.kernelModules`, "--json").stdout)).toEqual(["nvidia", "nvidia_uvm", "v4l2loopback"]);
  }, 120_000);

  it("builds the laptop from the shared module with Debian's packages, which run from the store", () => {
    laptop = ok("build", `${project}#machines.laptop`, "--no-link").stdout.trim();
    expect(laptop).toMatch(/-kiln-system-laptop$/);
    expect(readdirSync(join(laptop, "sw", "bin"))).toEqual(expect.arrayContaining(["git", "htop", "rg", "ssh", "ssh-keygen", "sshd"]));
    expect(spawnSync(join(laptop, "sw", "bin", "htop"), ["--version"], { encoding: "utf8" }).stdout).toMatch(/^htop 3\.2\./);
    const repo = join(work, "repo");
    const git = (...args: string[]): string => spawnSync(join(laptop, "sw", "bin", "git"), ["-c", "user.name=Alice", "-c", "user.email=alice@example.org", "-C", repo, ...args], { encoding: "utf8" }).stdout;
    mkdirSync(repo);
    git("init", "-q", "-b", "main");
    writeFileSync(join(repo, "notes"), "hello\n");
    git("add", "notes");
    git("commit", "-q", "-m", "first");
    expect(git("log", "--format=%s %an")).toBe("first Alice\n");
    // The laptop has no camera module; it has what the shared module gives every machine.
    expect(existsSync(join(laptop, "etc", "modules-load.d"))).toBe(false);
    expect(existsSync(join(laptop, "etc", "systemd", "system", "backup.timer"))).toBe(true);
    expect(readFileSync(join(laptop, "etc", "ssh", "sshd_config"), "utf8")).toContain("PasswordAuthentication no");
  }, 600_000);

  it("switches a root to the laptop: /etc links, units, users and the first generation", () => {
    distributionTree = machineTree();
    const { stdout, stderr } = ok("switch", project, "--machine", "laptop", "--root", root);
    expect(stdout.trim()).toBe(laptop);
    expect(stderr).toContain("users added: alice, sshd");
    expect(readlinkSync(join(root, "etc", "motd"))).toMatch(/-etc-motd$/);
    expect(readFileSync(join(root, "etc", "motd"), "utf8")).toBe("Welcome to laptop, managed by Kiln.\n");
    expect(readFileSync(join(root, "etc", "motd.before-kiln"), "utf8")).toBe("The distribution's motd.\n");
    expect(readFileSync(join(root, "etc", "systemd", "system", "fstrim.timer"), "utf8")).toContain("[Timer]");
    expect(readlinkSync(join(root, "etc", "systemd", "system", "timers.target.wants", "fstrim.timer"))).toMatch(/-unit-fstrim\.timer/);
    expect(readFileSync(join(root, "etc", "passwd"), "utf8")).toMatch(/^root:x:0:0:root:\/root:\/bin\/bash\nnobody:.*\nalice:x:1000:100:Alice:\/home\/alice:/);
    expect(readFileSync(join(root, "etc", "group"), "utf8")).toMatch(/^wheel:x:\d+:alice$/m);
    expect(existsSync(join(root, "home", "alice"))).toBe(true);
    expect(generationNumbers()).toEqual([1]);
    laptopTree = machineTree();
  });

  it("is idempotent: switching to the same machine again changes nothing and adds no generation", () => {
    const { stderr } = ok("switch", project, "--machine", "laptop", "--root", root);
    expect(stderr).toContain("files: no changes");
    expect(stderr).toContain("accounts: no changes");
    expect(machineTree()).toEqual(laptopTree);
    expect(generationNumbers()).toEqual([1]);
  });

  it("shows what a changed config would change with --dry, then switches to it and diffs the generations", () => {
    const dry = ok("switch", updated, "--machine", "laptop", "--root", root, "--dry");
    expect(dry.stderr).toMatch(/would activate/);
    expect(machineTree()).toEqual(laptopTree);
    ok("switch", updated, "--machine", "laptop", "--root", root);
    expect(generationNumbers()).toEqual([1, 2]);
    const diff = ok("diff", "1", "2", "--root", root).stdout;
    expect(diff).toMatch(/^ {2}added {4}mangohud-0\.6\.8-2$/m);
    expect(diff).toMatch(/^ {2}removed {2}ripgrep-13\.0\.0-4\+b2$/m);
    expect(diff).toContain("changed  htop: 3.2.2-2 → 3.4.0");
    expect(diff).toMatch(/closure size: [\d.]+ MiB → [\d.]+ MiB/);
    // The old generation is intact: still a root, still in the store.
    expect(readlinkSync(join(root, "var", "lib", "kiln", "profiles", "system-1-link"))).toBe(laptop);
    expect(existsSync(join(laptop, "kiln-activation.json"))).toBe(true);
  }, 180_000);

  it("a failing activation leaves the previous generation active and says why", () => {
    const before = machineTree();
    const result = kiln("switch", broken, "--machine", "laptop", "--root", root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("activation script 'migrate' exited with status 4:\nmigrating the database: schema v7 is newer than this program");
    expect(result.stderr).toMatch(/-kiln-system-laptop is still the active generation/);
    expect(machineTree()).toEqual(before);
    expect(existsSync(join(root, "etc", "broken-marker"))).toBe(false);
    expect(generationNumbers()).toEqual([1, 2]);
  });

  it("rollback restores the previous tree exactly", () => {
    ok("rollback", "--root", root);
    expect(machineTree()).toEqual(laptopTree);
    expect(readlinkSync(join(root, "var", "lib", "kiln", "active"))).toBe(laptop);
    const listing = ok("generations", "--root", root).stdout;
    expect(listing).toMatch(/^ {3}1 .*-kiln-system-laptop {3}\(current\)$/m);
  });

  it("keeps every generation through gc, and frees a generation only after it is deleted", () => {
    const second = readlinkSync(join(root, "var", "lib", "kiln", "profiles", "system-2-link"));
    ok("gc");
    expect(existsSync(second)).toBe(true);
    ok("generations", "--root", root, "--delete", "2");
    ok("gc");
    expect(existsSync(second)).toBe(false);
    expect(existsSync(laptop)).toBe(true);
  });

  it("runs a package of the project without installing it, and a shell with it on PATH", () => {
    expect(ok("run", `${project}#packages.backup`, "--", "/srv").stdout).toBe("backing up /srv\n");
    expect(ok("shell", `${project}#packages.backup`, "--command", "backup", "/home").stdout).toBe("backing up /home\n");
  });

  it("leaves the distribution's own file moved aside, to come back when Kiln stops managing it", () => {
    expect(distributionTree["etc/motd"]).toBe("644 The distribution's motd.\n");
    expect(readFileSync(join(root, "etc", "motd.before-kiln"), "utf8")).toBe("The distribution's motd.\n");
  });
});
