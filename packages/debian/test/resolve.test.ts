/**
 * Dependency resolution checked against apt itself: for each of 20 real
 * packages, the closure Kiln resolves from the locked index is the set of
 * packages `apt-get install --simulate` would install on an empty system
 * (a private apt state with only the locked suite, so the host's own
 * packages do not count). Among them are alternatives (`debconf |
 * debconf-2.0`), virtual packages, versioned relations, and the
 * `libc6`/`libgcc-s1` cycle.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DebianResolveError, debian, debianMirrors, dependencyChain, resolveClosure, type DebianPackageSet } from "../src/index.js";
import { SUITE, archiveUnavailable, cachedFetchSettings, testStore, type TestStore } from "./archive.js";

const unavailable = (await archiveUnavailable()) ?? (spawnSync("apt-get", ["--version"]).status === 0 ? undefined : "apt-get is not installed");
if (unavailable !== undefined) console.warn(`skipping the resolution tests: ${unavailable}`);

const PACKAGES = ["htop", "jq", "git", "nginx-light", "tree", "curl", "openssh-client", "vim-tiny", "python3-minimal", "less", "wget", "rsync", "gnupg", "ca-certificates", "man-db", "sudo", "tmux", "procps", "iproute2", "perl"];

describe.skipIf(unavailable !== undefined)("resolving closures from the real index", () => {
  let dir: string;
  let store: TestStore;
  let deb: DebianPackageSet;
  let apt: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-apt-"));
    store = testStore();
    deb = await debian({ suite: SUITE, lockFile: join(dir, "kiln.lock"), essential: false, fetchSettings: cachedFetchSettings() });
    // A private apt: only the locked suite's mirror, its own lists, an empty dpkg status.
    mkdirSync(join(dir, "parts"));
    mkdirSync(join(dir, "lists/partial"), { recursive: true });
    writeFileSync(join(dir, "sources.list"), `deb ${debianMirrors(SUITE)[0]} ${SUITE} main\n`);
    writeFileSync(join(dir, "status"), "");
    apt = [
      "-q",
      "-o", `Dir::Etc::SourceList=${join(dir, "sources.list")}`,
      "-o", `Dir::Etc::SourceParts=${join(dir, "parts")}`,
      "-o", `Dir::State::Lists=${join(dir, "lists")}`,
      "-o", `Dir::State::status=${join(dir, "status")}`,
      "-o", `Dir::Cache=${join(dir, "cache")}`,
      "-o", "APT::Sandbox::User=root",
      "-o", "APT::Install-Recommends=false",
    ];
    const update = spawnSync("apt-get", [...apt, "update"], { encoding: "utf8" });
    if (update.status !== 0) throw new Error(`apt-get update failed: ${update.stderr}`);
  }, 120_000);
  afterAll(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  function aptClosure(name: string): string[] {
    const result = spawnSync("apt-get", [...apt, "install", "--simulate", name], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`apt-get --simulate ${name} failed: ${result.stderr}`);
    return result.stdout.split("\n").flatMap((line) => /^Inst (\S+) /.exec(line)?.[1] ?? []).sort();
  }

  it.each(PACKAGES)("resolves the closure of %s to the packages apt would install", (name) => {
    const ours = resolveClosure(deb.index, [name]).map((entry) => entry.name);
    expect(ours).toEqual(aptClosure(name));
  });

  it("resolves a dependency cycle (libc6 and libgcc-s1 depend on each other) to one set", () => {
    const closure = resolveClosure(deb.index, ["libgcc-s1"]).map((entry) => entry.name);
    expect(closure).toContain("libc6");
    expect(resolveClosure(deb.index, ["libc6"]).map((entry) => entry.name)).toEqual(closure);
  });

  it("adds the Essential packages, and what they need, when asked", () => {
    const essential = deb.index.essential().map((entry) => entry.name);
    expect(essential).toEqual(expect.arrayContaining(["base-files", "bash", "coreutils", "dash", "libc-bin"]));
    const closure = resolveClosure(deb.index, ["tree"], { essential: true }).map((entry) => entry.name);
    expect(closure).toEqual(expect.arrayContaining([...essential, "tree", "libc6"]));
  });

  it("explains a dependency by the chain that brought it in, and finds none for a package outside the closure", () => {
    expect(dependencyChain(deb.index, "htop", "libgcc-s1")?.map((entry) => entry.name)).toEqual(["htop", "libc6", "libgcc-s1"]);
    expect(dependencyChain(deb.index, "tree", "perl-base")).toBeUndefined();
    // A virtual package: the chain ends at the package that provides it.
    const chain = dependencyChain(deb.index, "man-db", "debconf-2.0")?.map((entry) => entry.name);
    expect(chain?.[0]).toBe("man-db");
    expect(chain?.at(-1)).toBe("debconf");
  });

  it("names close packages when a name is misspelt", () => {
    expect(() => deb.package("nginx-lihgt")).toThrow(DebianResolveError);
    expect(() => deb["nginx-lihgt"]).toThrow(/'nginx-lihgt' is not a package of debian-bookworm .*; did you mean 'nginx-light'/);
  });

  it("finds packages by name and description words", () => {
    const found = deb.search("interactive process viewer").map((entry) => entry.name);
    expect(found).toContain("htop");
  });
});
