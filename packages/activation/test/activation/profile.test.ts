import { lutimesSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { diffGenerations, GenerationError, parseAge, Profile, readActivationManifest, rollbackConfiguration, switchConfiguration, machineTarget, activeGeneration } from "@kiln/activation";
import { link, scratch, snapshot, storeFile, toplevel } from "./activation-fixture.js";

const DAY = 86_400_000;

describe("profiles", () => {
  test("number generations from 1, point the profile link at the current one, and reuse the newest for the same path", () => {
    const profile = new Profile(scratch("profiles"), "system");
    expect(profile.addGeneration("/store/a").number).toBe(1);
    expect(profile.addGeneration("/store/b").number).toBe(2);
    expect(profile.addGeneration("/store/b").number).toBe(2);
    expect(readlinkSync(profile.link)).toBe("system-2-link");
    expect(profile.generations().map((generation) => [generation.number, generation.path, generation.current])).toEqual([
      [1, "/store/a", false],
      [2, "/store/b", true],
    ]);
    expect(profile.previous().number).toBe(1);
  });

  test("register the newest generation as a root again, since a switch killed after making its link may not have", () => {
    const directory = scratch("profiles");
    const registered = new Map<string, string>();
    const registerRoot = (link: string, target: string): void => {
      rmSync(`${link}.new`, { force: true });
      symlinkSync(target, `${link}.new`);
      renameSync(`${link}.new`, link);
      registered.set(link, target);
    };
    // What a switch killed between making generation 1's link and registering it leaves.
    symlinkSync("/store/a", join(directory, "system-1-link"));
    new Profile(directory, "system", registerRoot).addGeneration("/store/b");
    expect(registered).toEqual(new Map([
      [join(directory, "system-1-link"), "/store/a"],
      [join(directory, "system-2-link"), "/store/b"],
    ]));
  });

  test("delete generations older than an age, keeping the current one and the one in use at the cut-off, as nix-env does", () => {
    const directory = scratch("profiles");
    const profile = new Profile(directory, "system");
    const now = new Date("2026-11-25T00:00:00Z");
    const ages = [90, 60, 40, 20, 1];
    ages.forEach((age, index) => {
      const generation = profile.addGeneration(`/store/${index}`);
      const date = new Date(now.getTime() - age * DAY);
      lutimesSync(generation.link, date, date);
    });
    profile.switchTo(2);
    const deleted = profile.deleteOlderThan(parseAge("30d"), now);
    // 3 (40 days) was in use 30 days ago; 2 is current; only 1 goes.
    expect(deleted.map((generation) => generation.number)).toEqual([1]);
    expect(profile.generations().map((generation) => generation.number)).toEqual([2, 3, 4, 5]);
    expect(() => profile.deleteGenerations([2])).toThrow(/current generation .* cannot be deleted/);
    expect(() => profile.generation(9)).toThrow(/generation 9 of .* does not exist \(it has 2, 3, 4, 5\)/);
  });

  test("an age must have a unit", () => {
    expect(parseAge("2w")).toBe(14 * DAY);
    expect(() => parseAge("30")).toThrow(GenerationError);
  });
});

describe("switch and rollback", () => {
  test("switch adds a generation only after activation succeeds; rollback restores the previous tree exactly", () => {
    const store = scratch("store");
    const root = scratch("root");
    const target = machineTarget(root);
    const first = toplevel(store, { files: { motd: link(storeFile(store, "motd", "one\n")), "a/b/c": link(storeFile(store, "c", "c\n")) }, users: { alice: { uid: 1000, isSystemUser: false, description: "", group: "users", extraGroups: [], home: "/home/alice", createHome: false, shell: "/bin/sh" } }, groups: { users: { gid: 100, members: [] } } });
    expect(switchConfiguration(first, target).generation?.number).toBe(1);
    const afterFirst = snapshot(join(root, "etc"));

    const second = toplevel(store, { files: { motd: link(storeFile(store, "motd", "two\n")), issue: link(storeFile(store, "issue", "i\n")) } });
    expect(switchConfiguration(second, target).generation?.number).toBe(2);
    expect(snapshot(join(root, "etc"))).not.toEqual(afterFirst);

    const failing = toplevel(store, { files: { motd: link(storeFile(store, "motd", "three\n")) }, scripts: { fail: "exit 1\n" } });
    expect(() => switchConfiguration(failing, target)).toThrow(/activation script 'fail' exited with status 1/);
    expect(targetGenerations(root)).toEqual([1, 2]);

    const rolledBack = rollbackConfiguration(target);
    expect(rolledBack.generation?.number).toBe(1);
    expect(snapshot(join(root, "etc"))).toEqual(afterFirst);
    expect(activeGeneration(target)).toBe(first);
    expect(() => rollbackConfiguration(target)).toThrow(/generation 1 is the oldest/);
  });

  test("test mode activates without a generation; dry mode changes nothing", () => {
    const store = scratch("store");
    const root = scratch("root");
    const target = machineTarget(root);
    const system = toplevel(store, { files: { motd: link(storeFile(store, "motd", "x\n")) } });
    const dry = switchConfiguration(system, target, { mode: "dry" });
    expect(dry.report.files.changes.map((change) => change.action)).toEqual(["create"]);
    expect(snapshot(root)).toEqual({});
    switchConfiguration(system, target, { mode: "test" });
    expect(activeGeneration(target)).toBe(system);
    expect(targetGenerations(root)).toEqual([]);
  });
});

function targetGenerations(root: string): number[] {
  return new Profile(join(root, "var", "lib", "kiln", "profiles"), "system").generations().map((generation) => generation.number);
}

describe("diffing generations", () => {
  test("lists packages added, removed and changed in version, and the closure sizes", () => {
    const store = scratch("store");
    const package_ = (name: string, pname: string | null, version: string | null, path: string) => ({ name, pname, version, path });
    const a = toplevel(store, { packages: [package_("hello-2.10", "hello", "2.10", "/s/1"), package_("sed-4.8", null, null, "/s/2"), package_("tool", null, null, "/s/3")] });
    const b = toplevel(store, { packages: [package_("hello-2.12", "hello", "2.12", "/s/4"), package_("sed-4.8", null, null, "/s/5"), package_("ripgrep-14", "ripgrep", "14", "/s/6")] });
    const sizes: Record<string, number> = { [a]: 1000, [b]: 1500 };
    const diff = diffGenerations(readActivationManifest(a), a, readActivationManifest(b), b, (path) => sizes[path] ?? 0);
    expect(diff.packages.added.map((pkg) => pkg.name)).toEqual(["ripgrep-14"]);
    expect(diff.packages.removed.map((pkg) => pkg.name)).toEqual(["tool"]);
    expect(diff.packages.changed).toEqual([
      { name: "hello", from: "2.10", to: "2.12" },
      { name: "sed", from: "/s/2", to: "/s/5" },
    ]);
    expect(diff.closureBytes).toEqual({ before: 1000, after: 1500 });
  });
});
