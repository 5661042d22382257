/** `kiln boot` as a library: a generation marked for the next start, activated by what the boot unit runs. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { activateBootGeneration, activeGeneration, bootConfiguration, bootUnitText, deleteOldGenerations, installBootUnit, machineTarget, switchConfiguration, targetProfile } from "@kiln/activation";
import { distributionRoot, link, normalUser, scratch, snapshot, storeFile, toplevel } from "./activation-fixture.js";

function withoutProfiles(tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).filter(([path]) => !path.startsWith("var/lib/kiln/profiles")));
}

describe("a generation marked for the next boot", () => {
  test("is added and marked without changing the tree, and a later switch --test keeps the mark", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const target = machineTarget(root);
    const one = toplevel(store, { files: { motd: link(storeFile(store, "motd", "one\n")) } });
    const two = toplevel(store, { files: { motd: link(storeFile(store, "motd", "two\n")) }, users: { alice: normalUser() } });
    const three = toplevel(store, { files: { motd: link(storeFile(store, "motd", "three\n")) } });
    switchConfiguration(one, target);
    const before = snapshot(root);

    const marked = bootConfiguration(two, target);
    expect(marked).toMatchObject({ number: 2, current: false, nextBoot: true });
    expect(withoutProfiles(snapshot(root))).toEqual(withoutProfiles(before));
    expect(activeGeneration(target)).toBe(one);
    const profile = targetProfile(target);
    expect(profile.generations().map((generation) => [generation.number, generation.current, generation.nextBoot])).toEqual([
      [1, true, false],
      [2, false, true],
    ]);

    switchConfiguration(three, target, { mode: "test" });
    expect(readFileSync(join(root, "etc", "motd"), "utf8")).toBe("three\n");
    expect(profile.bootGeneration()?.number).toBe(2);
    // The marked generation cannot be deleted, as the current one cannot.
    expect(() => profile.deleteGenerations([2])).toThrow(/marked for the next boot/);
  });

  test("is activated at the next start, becomes current and clears the mark; a --test activation is forgotten at the start after", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const target = machineTarget(root);
    const one = toplevel(store, { files: { motd: link(storeFile(store, "motd", "one\n")) } });
    const two = toplevel(store, { files: { motd: link(storeFile(store, "motd", "two\n")) } });
    switchConfiguration(one, target);
    bootConfiguration(two, target);
    const started = activateBootGeneration(target);
    expect(started.generation?.number).toBe(2);
    expect(started.report?.files.changes.map((change) => change.action)).toEqual(["replace"]);
    expect(readFileSync(join(root, "etc", "motd"), "utf8")).toBe("two\n");
    expect(existsSync(targetProfile(target).bootLink)).toBe(false);
    expect(targetProfile(target).current()?.number).toBe(2);
    // Nothing marked, the current generation active: the next start changes nothing.
    expect(activateBootGeneration(target).report).toBeUndefined();
    // After a --test of generation 1, the start brings the current generation (2) back.
    switchConfiguration(one, target, { mode: "test" });
    expect(activateBootGeneration(target).report?.toplevel).toBe(two);
    expect(readFileSync(join(root, "etc", "motd"), "utf8")).toBe("two\n");
  });

  test("deleting old generations keeps the current and the marked one", () => {
    const store = scratch("store");
    const target = machineTarget(distributionRoot());
    const make = (text: string) => toplevel(store, { files: { motd: link(storeFile(store, "motd", text)) } });
    for (const text of ["1\n", "2\n", "3\n"]) switchConfiguration(make(text), target);
    bootConfiguration(make("4\n"), target);
    targetProfile(target).switchTo(3);
    bootConfiguration(targetProfile(target).generation(4).path, target);
    const [result] = deleteOldGenerations([target]);
    expect(result?.deleted.map((generation) => generation.number)).toEqual([1, 2]);
    expect(targetProfile(target).generations().map((generation) => generation.number)).toEqual([3, 4]);
    expect(deleteOldGenerations([machineTarget(scratch("empty"))])).toEqual([{ profile: expect.stringContaining("profiles/system"), deleted: [] }]);
  });

  test("the boot unit runs the command before sysinit.target, escaping what systemd would expand", () => {
    const text = bootUnitText(["/usr/bin/node", "/opt/kiln 1/bin/kiln.js", "boot", "--activate-marked", "--store-dir", "/srv/100%$store"]);
    expect(text).toContain('ExecStart=/usr/bin/node "/opt/kiln 1/bin/kiln.js" boot --activate-marked --store-dir "/srv/100%%$$store"\n');
    expect(text).toContain("WantedBy=sysinit.target\n");
    const root = scratch("unit-root");
    const target = machineTarget(root);
    expect(installBootUnit(target, ["/usr/bin/node", "/kiln.js"])).toBe(true);
    expect(installBootUnit(target, ["/usr/bin/node", "/kiln.js"])).toBe(false);
    const unit = join(root, "etc", "systemd", "system", "kiln-boot.service");
    expect(readlinkSync(join(root, "etc", "systemd", "system", "sysinit.target.wants", "kiln-boot.service"))).toBe(unit);
    // systemd's own checker accepts it, where systemd is installed.
    const analyze = spawnSync("systemd-analyze", ["--version"]);
    if (analyze.status === 0) {
      const program = execFileSync("sh", ["-c", "command -v true"], { encoding: "utf8" }).trim();
      installBootUnit(target, [program]);
      const verify = spawnSync("systemd-analyze", ["verify", unit], { encoding: "utf8" });
      expect(verify.status, verify.stderr).toBe(0);
    }
  });
});
