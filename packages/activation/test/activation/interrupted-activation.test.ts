/**
 * Activation killed with SIGKILL at a known point: while its activation
 * script runs, after files and accounts are in place but before the
 * generation is active. The next activation reads the journal the killed
 * one left; these tests pin what it may and may not take for Kiln's.
 */
import { spawn } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { activate, activeGeneration, BACKUP_SUFFIX, machineTarget } from "@kiln/activation";
import { distributionRoot, link, scratch, snapshot, storeFile, toplevel } from "./activation-fixture.js";

const ownPackage = fileURLToPath(new URL("../../", import.meta.url));

/** Activates `system` into `root` in another process and waits until its activation script has started; returns how to kill it. */
async function startActivation(system: string, root: string, started: string): Promise<() => Promise<void>> {
  const code = `import { activate, machineTarget } from "@kiln/activation"; activate(process.argv[1], machineTarget(process.argv[2]));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code, system, root], { cwd: ownPackage, stdio: "ignore" });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_status, signal) => resolve(signal)));
  const deadline = Date.now() + 20_000;
  while (!existsSync(started) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  return async () => {
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
  };
}

/** Activates `system` into `root` in another process and kills it once its activation script has started. */
async function killDuringScript(system: string, root: string, started: string): Promise<void> {
  await (await startActivation(system, root, started))();
}

/** A generation that manages `/etc/hosts` (a copy) and `/etc/motd`, whose activation script waits to be killed. */
function slowGeneration(store: string, started: string): string {
  return toplevel(store, {
    files: { hosts: { source: storeFile(store, "hosts", "127.0.0.1 kiln\n"), mode: "0644", user: "root", group: "root" }, motd: link(storeFile(store, "motd", "2\n")) },
    users: {},
    // Waits until the activating process is gone, so nothing outlives the test.
    scripts: { wait: `touch ${started}\nwhile kill -0 $PPID 2>/dev/null; do sleep 0.05; done\n` },
  });
}

describe("after an activation was killed", () => {
  test("the next one of the previous generation undoes it, giving back the user's file it had moved aside", async () => {
    const store = scratch("store");
    const root = distributionRoot();
    writeFileSync(join(root, "etc", "hosts"), "127.0.0.1 mine\n");
    const first = toplevel(store, { files: { motd: link(storeFile(store, "motd", "1\n")) } });
    activate(first, machineTarget(root));
    const before = snapshot(root);
    const started = join(scratch("signal"), "started");
    await killDuringScript(slowGeneration(store, started), root, started);
    expect(readFileSync(join(root, "etc", "hosts" + BACKUP_SUFFIX), "utf8")).toBe("127.0.0.1 mine\n");
    expect(activeGeneration(machineTarget(root))).toBe(first);

    const report = activate(first, machineTarget(root));
    expect(report.warnings.join("\n")).toMatch(/an activation of .* \(process \d+\) did not finish/);
    expect(snapshot(root)).toEqual(before);
  });

  test("an entry the killed activation placed and the user changed since is the user's: left as it is", async () => {
    const store = scratch("store");
    const root = distributionRoot();
    const first = toplevel(store, { files: { motd: link(storeFile(store, "motd", "1\n")) } });
    activate(first, machineTarget(root));
    const started = join(scratch("signal"), "started");
    await killDuringScript(slowGeneration(store, started), root, started);
    writeFileSync(join(root, "etc", "hosts"), "127.0.0.1 edited\n");

    activate(first, machineTarget(root));
    expect(readFileSync(join(root, "etc", "hosts"), "utf8")).toBe("127.0.0.1 edited\n");
    expect(readdirSync(join(root, "etc")).filter((name) => name.endsWith(BACKUP_SUFFIX))).toEqual([]);
    expect(existsSync(join(root, "var", "lib", "kiln", "activation-journal.json"))).toBe(false);
  });

  test("the next one of another generation replaces what the killed one placed, as an activation into an empty root places it", async () => {
    const store = scratch("store");
    const root = distributionRoot();
    const started = join(scratch("signal"), "started");
    const slow = slowGeneration(store, started);
    await killDuringScript(slow, root, started);
    const done = toplevel(store, { files: { hosts: { source: storeFile(store, "hosts", "127.0.0.1 kiln\n"), mode: "0644", user: "root", group: "root" }, motd: link(storeFile(store, "motd", "2\n")) } });
    const fresh = distributionRoot();
    activate(done, machineTarget(fresh));

    activate(done, machineTarget(root));
    const { ["var/lib/kiln/active"]: _active, ...rest } = snapshot(root);
    const { ["var/lib/kiln/active"]: _freshActive, ...expected } = snapshot(fresh);
    expect(rest).toEqual(expected);
  });

  test("is refused while the other is still running on the same root, naming it", async () => {
    const store = scratch("store");
    const root = distributionRoot();
    const started = join(scratch("signal"), "started");
    const slow = slowGeneration(store, started);
    const kill = await startActivation(slow, root, started);
    try {
      const other = toplevel(store, { files: { motd: link(storeFile(store, "motd", "3\n")) } });
      const during = snapshot(root);
      expect(() => activate(other, machineTarget(root))).toThrow(new RegExp(`another activation, of ${slow} \\(process \\d+\\), is running on ${root}; wait for it to finish`));
      expect(snapshot(root)).toEqual(during);
      expect(activate(other, machineTarget(root), { dryRun: true }).warnings.join("\n")).toContain("is running on");
    } finally {
      await kill();
    }
  });

  test("a run-time link only the killed activation's generation had is removed by the next one, unless someone pointed it elsewhere since", async () => {
    const store = scratch("store");
    const linkOf = (path: string): string | undefined => (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true ? readlinkSync(path) : undefined);
    for (const repointed of [false, true]) {
      const root = distributionRoot();
      const first = toplevel(store, { files: { motd: link(storeFile(store, "motd", "1\n")) } });
      activate(first, machineTarget(root));
      const started = join(scratch("signal"), "started");
      const drivers = storeFile(store, "drivers", "gl");
      const killed = toplevel(store, {
        runtimeLinks: { "/run/opengl-driver": drivers },
        scripts: { wait: `touch ${started}\nwhile kill -0 $PPID 2>/dev/null; do sleep 0.05; done\n` },
      });
      await killDuringScript(killed, root, started);
      const linkPath = join(root, "run", "opengl-driver");
      // Made before the activation script ran, and left by the kill.
      expect(linkOf(linkPath)).toBe(drivers);
      const mine = storeFile(store, "my-drivers", "mine");
      if (repointed) {
        unlinkSync(linkPath);
        symlinkSync(mine, linkPath);
      }

      const report = activate(first, machineTarget(root));
      expect(linkOf(linkPath)).toBe(repointed ? mine : undefined);
      // Reported as removed only when it was.
      expect(report.runtimeLinks).toEqual(repointed ? [] : [{ path: "/run/opengl-driver", target: undefined, onlyIfTo: [drivers] }]);
      expect(existsSync(join(root, "var", "lib", "kiln", "activation-journal.json"))).toBe(false);
    }
  });

  test("a journal naming a run-time link outside /run is refused, and nothing is removed", async () => {
    const store = scratch("store");
    const root = distributionRoot();
    const first = toplevel(store, { files: { motd: link(storeFile(store, "motd", "1\n")) } });
    activate(first, machineTarget(root));
    const started = join(scratch("signal"), "started");
    const drivers = storeFile(store, "drivers", "gl");
    const killed = toplevel(store, {
      runtimeLinks: { "/run/opengl-driver": drivers },
      scripts: { wait: `touch ${started}\nwhile kill -0 $PPID 2>/dev/null; do sleep 0.05; done\n` },
    });
    await killDuringScript(killed, root, started);
    // Someone rewrites the journal to have another of their links taken for Kiln's.
    const journalFile = join(root, "var", "lib", "kiln", "activation-journal.json");
    const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { runtimeLinks: Record<string, string[]> };
    journal.runtimeLinks = { "/run/../etc/localtime": [drivers] };
    writeFileSync(journalFile, JSON.stringify(journal));
    symlinkSync(drivers, join(root, "etc", "localtime"));

    expect(() => activate(first, machineTarget(root))).toThrow(/not an activation journal/);
    expect(readlinkSync(join(root, "etc", "localtime"))).toBe(drivers);
  });
});
