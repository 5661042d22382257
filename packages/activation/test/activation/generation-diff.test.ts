/** `diffGenerations` reports every kind of change two generations make, and `planSwitch` compares with the active one. */
import { describe, expect, test } from "vitest";
import { activate, diffGenerations, isEmptyDiff, machineTarget, planSwitch, readActivationManifest, TEXT_DIFF_LIMIT } from "@kiln/activation";
import { distributionRoot, link, normalUser, scratch, storeFile, toplevel } from "./activation-fixture.js";

function twoGenerations() {
  const store = scratch("store");
  const unit = (text: string) => link(storeFile(store, "unit", `[Service]\nExecStart=${text}\n`));
  const big = "x".repeat(TEXT_DIFF_LIMIT + 1);
  const moved = unit("/bin/moved");
  const before = toplevel(store, {
    files: {
      motd: link(storeFile(store, "motd", "Welcome.\nline 2\nline 3\nline 4\nline 5\n")),
      "old.conf": link(storeFile(store, "old", "gone\n")),
      "big.txt": link(storeFile(store, "big", `${big}a`)),
      secret: { source: storeFile(store, "secret", "s\n"), mode: "0600", user: "root", group: "root" },
      "systemd/system/report.service": unit("/bin/report"),
      "systemd/system/old.service": unit("/bin/old"),
      "systemd/system/moved.service": moved,
      "systemd/system/multi-user.target.wants/report.service": link("/s/report.service"),
      "systemd/system/multi-user.target.wants/moved.service": link("/s/moved.service"),
    },
    users: { alice: normalUser(), bob: normalUser({ home: "/home/bob" }) },
    groups: { wheel: { gid: null, members: [] }, old: { gid: 300, members: [] } },
    scripts: { migrate: "echo v1\n", cleanup: "true\n" },
  });
  const after = toplevel(store, {
    files: {
      motd: link(storeFile(store, "motd", "Welcome to web.\nline 2\nline 3\nline 4\nline 5\n")),
      "new.conf": link(storeFile(store, "new", "new\n")),
      "big.txt": link(storeFile(store, "big", `${big}b`)),
      secret: { source: storeFile(store, "secret", "s\n"), mode: "0640", user: "root", group: "root" },
      "systemd/system/report.service": unit("/bin/report --all"),
      "systemd/system/web.service": unit("/bin/web"),
      "systemd/system/moved.service": moved,
      "systemd/system/multi-user.target.wants/report.service": link("/s/report.service"),
      "systemd/system/multi-user.target.wants/web.service": link("/s/web.service"),
      "systemd/system/timers.target.wants/moved.service": link("/s/moved.service"),
    },
    users: { alice: normalUser({ shell: "/bin/zsh", extraGroups: ["wheel"] }), carol: normalUser({ home: "/home/carol" }) },
    groups: { wheel: { gid: 10, members: [] }, web: { gid: null, members: ["carol"] } },
    scripts: { migrate: "echo v2\n", seed: "true\n" },
  });
  return { before, after };
}

describe("diffing two generations", () => {
  test("reports /etc entries, users, groups, units and activation scripts added, removed and changed", () => {
    const { before, after } = twoGenerations();
    const diff = diffGenerations(readActivationManifest(before), before, readActivationManifest(after), after, () => 100);
    expect(diff.kind).toBe("machine");
    expect(diff.files.added.map((entry) => entry.path)).toEqual(["new.conf"]);
    expect(diff.files.removed.map((entry) => entry.path)).toEqual(["old.conf"]);
    expect(diff.files.changed.map((entry) => [entry.path, entry.before.mode, entry.after.mode])).toEqual([
      ["big.txt", "symlink", "symlink"],
      ["motd", "symlink", "symlink"],
      ["secret", "0600", "0640"],
    ]);
    const [big, motd, secret] = diff.files.changed;
    // Over the size limit: changed, without a text diff; same content, other mode: no text diff either.
    expect(big?.diff).toBeUndefined();
    expect(secret?.diff).toBeUndefined();
    expect(motd?.diff).toBe("--- a/etc/motd\n+++ b/etc/motd\n@@ -1,4 +1,4 @@\n-Welcome.\n+Welcome to web.\n line 2\n line 3\n line 4\n");
    expect(diff.users).toEqual({
      added: ["carol"],
      removed: ["bob"],
      changed: [{ name: "alice", fields: [{ field: "extraGroups", before: [], after: ["wheel"] }, { field: "shell", before: "/bin/bash", after: "/bin/zsh" }] }],
    });
    expect(diff.groups).toEqual({ added: ["web"], removed: ["old"], changed: [{ name: "wheel", fields: [{ field: "gid", before: null, after: 10 }] }] });
    expect(diff.units).toEqual({
      added: [{ name: "web.service", wantedBy: ["multi-user.target"] }],
      removed: [{ name: "old.service", wantedBy: [] }],
      changed: [
        { name: "moved.service", diff: undefined, wantedBy: { before: ["multi-user.target"], after: ["timers.target"] } },
        { name: "report.service", diff: "--- a/etc/systemd/system/report.service\n+++ b/etc/systemd/system/report.service\n@@ -1,2 +1,2 @@\n [Service]\n-ExecStart=/bin/report\n+ExecStart=/bin/report --all\n", wantedBy: undefined },
      ],
    });
    expect(diff.activationScripts).toEqual({ added: ["seed"], removed: ["cleanup"], changed: [{ name: "migrate", diff: "--- a/activation-scripts/migrate\n+++ b/activation-scripts/migrate\n@@ -1 +1 @@\n-echo v1\n+echo v2\n" }] });
    expect(isEmptyDiff(diff)).toBe(false);
    expect(isEmptyDiff(diffGenerations(readActivationManifest(after), after, readActivationManifest(after), after, () => 1))).toBe(true);
  });

  test("reports run-time links added, removed and pointed elsewhere, and a change of a link alone is a change", () => {
    const store = scratch("store");
    const [one, two, other] = ["drivers-1", "drivers-2", "other"].map((name) => storeFile(store, name, name));
    const before = toplevel(store, { runtimeLinks: { "/run/opengl-driver": one as string, "/run/old": other as string } });
    const after = toplevel(store, { runtimeLinks: { "/run/opengl-driver": two as string, "/run/new": other as string } });
    const diff = diffGenerations(readActivationManifest(before), before, readActivationManifest(after), after, () => 1);
    expect(diff.runtimeLinks).toEqual({
      added: [{ path: "/run/new", target: other }],
      removed: [{ path: "/run/old", target: other }],
      changed: [{ path: "/run/opengl-driver", from: one, to: two }],
    });
    const onlyLinks = toplevel(store, { runtimeLinks: { "/run/opengl-driver": two as string } });
    const none = toplevel(store, {});
    expect(isEmptyDiff(diffGenerations(readActivationManifest(none), none, readActivationManifest(onlyLinks), onlyLinks, () => 1))).toBe(false);
  });

  test("a switch's plan compares with the active generation and names the units it starts, restarts and stops", () => {
    const { before, after } = twoGenerations();
    const target = machineTarget(distributionRoot());
    const first = planSwitch(before, target);
    expect(first.active).toBeUndefined();
    expect(first.diff.users.added).toEqual(["alice", "bob"]);
    activate(before, target);
    const plan = planSwitch(after, target, { closureBytes: (path) => (path === before ? 10 : 20) });
    expect(plan.active).toBe(before);
    expect(plan.diff.closureBytes).toEqual({ before: 10, after: 20 });
    expect(plan.units).toEqual({ start: ["web.service"], restart: ["report.service"], stop: ["old.service"] });
  });
});
