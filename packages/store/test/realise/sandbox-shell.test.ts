/**
 * What a plain `derivation()` build sees of the host in the sandbox: the
 * host's `/bin/sh` with exactly the libraries it loads (Nix's
 * `sandbox-paths`), and nothing else; no host program or header. Host
 * paths appear only when asked for (`sandboxPaths`, Nix's
 * `extra-sandbox-paths`), as `PATH` or `TARGET=SOURCE`.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { derivation, type Derivation } from "@kiln/formats";
import { HOST_TOOL_SANDBOX_PATHS, bubblewrapArguments, elfInterpreter, findBubblewrap, parseSandboxPaths, sandboxShellMounts } from "../../src/index.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

const system = "x86_64-linux";
const hostHasApt = existsSync("/usr/bin/apt") && existsSync("/usr/include/stdio.h");

/** A derivation running `script` with the sandbox's `/bin/sh`. */
function sh(name: string, script: string): Derivation {
  return derivation({ name, system, builder: "/bin/sh", args: ["-c", script] });
}

describe("the sandbox shell's mounts", () => {
  it("are the host's /bin/sh at /bin/sh and, for a dynamic shell, its loader and libraries at the paths the loader uses", () => {
    const mounts = sandboxShellMounts();
    expect(mounts[0]).toEqual({ source: realpathSync("/bin/sh"), target: "/bin/sh" });
    const interpreter = elfInterpreter(realpathSync("/bin/sh"));
    if (interpreter !== undefined) {
      expect(mounts.map((mount) => mount.target)).toContain(interpreter);
      expect(mounts.some((mount) => /\/libc\.so\.6$/.test(mount.target))).toBe(true);
    }
    for (const mount of mounts) expect(existsSync(mount.source)).toBe(true);
  });

  it("are left out where a sandbox path already shows the directory they are in", () => {
    const shell = [
      { source: "/usr/bin/dash", target: "/bin/sh" },
      { source: "/usr/lib/x86_64-linux-gnu/libc.so.6", target: "/lib/x86_64-linux-gnu/libc.so.6" },
    ];
    const spec = { buildDir: "/b", chrootStoreDir: "/c", storeDir: "/s", inputs: [], etcDir: "/e", network: false, shell };
    const alone = bubblewrapArguments({ ...spec, sandboxPaths: [] }).join(" ");
    expect(alone).toContain("--ro-bind /usr/bin/dash /bin/sh");
    expect(alone).toContain("--ro-bind /usr/lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libc.so.6");
    expect(alone).not.toMatch(/ \/usr /);
    const withLib = bubblewrapArguments({ ...spec, sandboxPaths: ["/lib"] }).join(" ");
    expect(withLib).toContain("--ro-bind /usr/bin/dash /bin/sh");
    expect(withLib).not.toContain("/lib/x86_64-linux-gnu/libc.so.6");
    // A path given twice, or inside one given before, is mounted once.
    expect(bubblewrapArguments({ ...spec, sandboxPaths: ["/usr", "/usr/include", "/usr"] }).join(" ").match(/ \/usr\/?\S* \/usr\S*/g)).toEqual([" /usr /usr"]);
    // TARGET=SOURCE shows a host path elsewhere.
    expect(bubblewrapArguments({ ...spec, sandboxPaths: ["/opt/include=/usr/include"] }).join(" ")).toContain("--ro-bind /usr/include /opt/include");
  });

  it("parse from a colon-separated list, where 'host' stands for the host's tool directories", () => {
    expect(parseSandboxPaths("/usr::/opt/x=/srv/x")).toEqual(["/usr", "/opt/x=/srv/x"]);
    expect(parseSandboxPaths("host:/srv")).toEqual([...HOST_TOOL_SANDBOX_PATHS, "/srv"]);
  });
});

describe.skipIf(findBubblewrap() === undefined || !hostHasApt)("a plain derivation in the sandbox", () => {
  let t: TemporaryStore;
  beforeEach(() => {
    t = temporaryStore();
  });
  afterEach(() => t.dispose());

  it("runs /bin/sh with its builtins and sees no host /usr, /lib or /bin beyond the shell", async () => {
    const probe = sh(
      "shell-probe",
      [
        "{",
        '  for p in /usr /usr/bin/apt /usr/include/stdio.h /bin/ls /sbin /etc/alternatives; do if [ -e "$p" ]; then echo "$p: visible"; else echo "$p: absent"; fi; done',
        '  printf "%s\\n" "builtins work"',
        '} > "$out"',
      ].join("\n"),
    );
    const result = await t.realise([probe], { sandbox: true, sandboxPaths: [] });
    expect(result.failed).toEqual([]);
    expect(readFileSync(probe.outPath, "utf8")).toBe(
      ["/usr: absent", "/usr/bin/apt: absent", "/usr/include/stdio.h: absent", "/bin/ls: absent", "/sbin: absent", "/etc/alternatives: absent", "builtins work", ""].join("\n"),
    );
  });

  it("fails a build that runs ls /usr/bin/apt or reads the host's /usr/include/stdio.h: the path is missing", async () => {
    const runsLs = sh("runs-ls", 'ls /usr/bin/apt > "$out"');
    const runsHostLs = sh("runs-host-ls", '/usr/bin/ls /usr/bin/apt > "$out"');
    const readsHeader = sh("reads-header", 'read -r line < /usr/include/stdio.h && echo "$line" > "$out"');
    const result = await t.realise([runsLs, runsHostLs, readsHeader], { sandbox: true, sandboxPaths: [], keepGoing: true });
    expect(result.failed.map((failure) => failure.drvPath).sort()).toEqual([runsLs.drvPath, runsHostLs.drvPath, readsHeader.drvPath].sort());
    const log = (drv: Derivation): string => readFileSync(t.store.logPath(drv.drvPath), "utf8");
    expect(log(runsLs)).toMatch(/ls: not found/);
    expect(log(runsHostLs)).toMatch(/\/usr\/bin\/ls: not found/);
    expect(log(readsHeader)).toMatch(/\/usr\/include\/stdio\.h: No such file/i);
  });

  it("sees the host paths given as sandbox paths (the impure escape hatch), at their own place or where TARGET=SOURCE says", async () => {
    const runsLs = sh("escape-ls", 'PATH=/usr/bin:/bin; ls /usr/bin/apt > "$out"');
    const readsHeader = sh("escape-header", 'while read -r line; do case $line in *"<stdio.h>"*|*_STDIO_H*) echo found > "$out"; break;; esac; done < /opt/include/stdio.h');
    const result = await t.realise([runsLs, readsHeader], { sandbox: true, sandboxPaths: [...HOST_TOOL_SANDBOX_PATHS, "/opt/include=/usr/include"], keepGoing: true });
    expect(result.failed).toEqual([]);
    expect(readFileSync(runsLs.outPath, "utf8")).toBe("/usr/bin/apt\n");
    expect(readFileSync(readsHeader.outPath, "utf8")).toBe("found\n");
  });

  it("shows the host paths a derivation asks for in kilnImpureHostPaths when they are allowed, and fails it naming one that is not", async () => {
    const asks = derivation({ name: "asks-usr", system, builder: "/bin/sh", args: ["-c", 'if [ -e /usr/bin/apt ]; then echo visible > "$out"; fi'], kilnImpureHostPaths: "/usr /lib /lib64" });
    const asksHome = derivation({ name: "asks-home", system, builder: "/bin/sh", args: ["-c", 'echo > "$out"'], kilnImpureHostPaths: "/root" });
    const result = await t.realise([asks, asksHome], { sandbox: true, sandboxPaths: [], keepGoing: true });
    expect(readFileSync(asks.outPath, "utf8")).toBe("visible\n");
    expect(result.failed.map((failure) => failure.drvPath)).toEqual([asksHome.drvPath]);
    expect(result.failed[0]?.message).toMatch(/asks to see the host path '\/root' \(attribute 'kilnImpureHostPaths'\), which is not among the allowed impure host paths/);
    // With structured attributes the attribute is read from __json, as Nix reads its own from there.
    const structured = derivation({ name: "asks-structured", system, builder: "/bin/sh", args: ["-c", 'if [ -e /usr/bin/apt ]; then echo visible > "$out"; fi'], kilnImpureHostPaths: ["/usr", "/lib", "/lib64"], __structuredAttrs: true });
    expect((await t.realise([structured], { sandbox: true, sandboxPaths: [] })).failed).toEqual([]);
    expect(readFileSync(structured.outPath, "utf8")).toBe("visible\n");
    // Allowed elsewhere, it is shown.
    const again = await t.realise([asksHome], { sandbox: true, sandboxPaths: [], allowedImpureHostPaths: ["/root"] });
    expect(again.failed).toEqual([]);
  });
});
