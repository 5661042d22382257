/**
 * A derivation's build root: the sandbox shows a tree of its inputs as
 * `/usr`, `/lib`, `/lib64`, `/bin` and `/etc` and no host path, with the
 * fixed `/etc/passwd`, `/etc/group` and `/etc/hosts`; a root outside the
 * inputs, or a build without the sandbox, is refused with a plain message,
 * and so is handing such a derivation to Nix. The root here is the host's
 * own `/bin/sh` with just the libraries it loads, copied into the store.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildDerivationGraph, derivation, path, setStoreDir, targetsOf, type Derivation } from "@kiln/formats";
import { NixRealiser, findBubblewrap } from "../../src/index.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

const system = "x86_64-linux";

/** The libraries `program` loads, from `ldd`. */
function librariesOf(program: string): string[] {
  const result = spawnSync("ldd", [program], { encoding: "utf8" });
  return [...result.stdout.matchAll(/(\/\S+) \(0x/g)].map((match) => match[1] as string);
}

/** A tree with the host's shell as `/bin/sh` and its libraries at their paths, and the `/etc` a root gives. */
function makeRootTree(directory: string): string {
  const root = join(directory, "root");
  const shell = realpathSync("/bin/sh");
  for (const file of [shell, ...librariesOf(shell)]) {
    const target = join(root, file === shell ? "bin/sh" : file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(realpathSync(file), target);
  }
  mkdirSync(join(root, "etc"));
  for (const name of ["passwd", "group", "hosts"]) writeFileSync(join(root, "etc", name), "");
  writeFileSync(join(root, "etc", "from-the-root"), "the root's own /etc\n");
  return root;
}

const hostHasHeaders = existsSync("/usr/include/stdio.h");

describe.skipIf(findBubblewrap() === undefined || !hostHasHeaders)("a build root", () => {
  let t: TemporaryStore;
  let directory: string;
  let tree: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "kiln-build-root-"));
    tree = makeRootTree(directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  beforeEach(() => {
    t = temporaryStore();
  });
  afterEach(() => t.dispose());

  /** A derivation running `script` with `/bin/sh` of the root. */
  function inRoot(name: string, script: string, root = path(tree)): Derivation {
    return derivation({ name, system, builder: "/bin/sh", args: ["-c", script], kilnBuildRoot: root });
  }

  it("shows the root as /bin, /lib and /etc, with the fixed passwd, group and hosts, and no host /usr or program", async () => {
    const probe = inRoot(
      "root-probe",
      [
        "{",
        '  if [ -e /usr/include/stdio.h ]; then echo "host headers: visible"; else echo "host headers: absent"; fi',
        '  if [ -e /usr/bin/env ] || [ -e /bin/ls ]; then echo "host programs: visible"; else echo "host programs: absent"; fi',
        "  read -r line < /etc/from-the-root; echo \"$line\"",
        "  while read -r entry; do case $entry in nixbld:*) echo \"$entry\";; esac; done < /etc/passwd",
        "  while read -r entry; do echo \"hosts: $entry\"; done < /etc/hosts",
        '  echo "cwd: $PWD"',
        '} > "$out"',
      ].join("\n"),
    );
    const result = await t.realise([probe], { sandbox: true });
    expect(result.failed).toEqual([]);
    expect(readFileSync(probe.outPath, "utf8").split("\n")).toEqual([
      "host headers: absent",
      "host programs: absent",
      "the root's own /etc",
      "nixbld:x:1000:100:Nix build user:/build:/noshell",
      "hosts: 127.0.0.1 localhost",
      "hosts: ::1 localhost",
      "cwd: /build",
      "",
    ]);
  });

  it("fails a build that reads the host's /usr/include/stdio.h or runs a host program", async () => {
    const readsHeader = inRoot("root-reads-header", 'read -r line < /usr/include/stdio.h && echo "$line" > "$out"');
    const runsProgram = inRoot("root-runs-program", '/usr/bin/env > "$out"');
    const result = await t.realise([readsHeader, runsProgram], { sandbox: true, keepGoing: true });
    expect(result.failed.map((failure) => failure.drvPath).sort()).toEqual([readsHeader.drvPath, runsProgram.drvPath].sort());
    expect(readFileSync(t.store.logPath(readsHeader.drvPath), "utf8")).toMatch(/stdio\.h.*(nonexistent|No such file)/);
    expect(readFileSync(t.store.logPath(runsProgram.drvPath), "utf8")).toMatch(/\/usr\/bin\/env.*not found/);
  });

  it("refuses a root that is no input of the build, naming the attribute", async () => {
    const outside = inRoot("root-outside", 'echo > "$out"', tree);
    const result = await t.realise([outside], { sandbox: true });
    expect(result.failed[0]?.message).toContain(`asks for the build root '${tree}' (attribute 'kilnBuildRoot'), which is not inside a store path among its inputs`);
  });

  it("refuses to build with a root unsandboxed, saying what would give it one", async () => {
    const needsRoot = inRoot("root-unsandboxed", 'echo > "$out"');
    const result = await t.realise([needsRoot], { sandbox: false });
    expect(result.failed[0]?.message).toContain("builds with its own /usr, /lib and /bin");
    expect(result.failed[0]?.message).toContain("install bubblewrap");
    expect(existsSync(needsRoot.outPath)).toBe(false);
  });
});

const hasNix = spawnSync("nix-store", ["--version"]).status === 0;

describe.skipIf(!hasNix)("the nix realiser and build roots", () => {
  it("refuses a derivation with a build root before Nix runs, saying why and what to use instead", async () => {
    setStoreDir("/nix/store");
    const directory = mkdtempSync(join(tmpdir(), "kiln-nix-root-"));
    try {
      mkdirSync(join(directory, "root"));
      const root = path(join(directory, "root"));
      const drv = derivation({ name: "kiln-nix-root", system, builder: "/bin/sh", args: ["-c", 'echo > "$out"'], kilnBuildRoot: root, nonce: `${Date.now()}` });
      const realiser = new NixRealiser({ env: { ...process.env, NIX_REMOTE: "" }, extraArgs: ["--option", "substituters", ""] });
      const result = await realiser.realise(buildDerivationGraph([drv]), targetsOf([drv]));
      expect(result.failed).toHaveLength(1);
      expect(result.failed[0]?.message).toContain(`the nix realiser cannot build '${drv.drvPath}'`);
      expect(result.failed[0]?.message).toContain("Nix's sandbox does not provide");
      expect(result.failed[0]?.message).toContain("stdenvHost");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
