import { existsSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { activate, ActivationConflictError, ActivationError, ActivationManifestError, activeGeneration, machineTarget, homeTarget, BACKUP_SUFFIX } from "@kiln/activation";
import { distributionRoot, link, normalUser, scratch, snapshot, storeFile, toplevel } from "./activation-fixture.js";

describe("activating a machine", () => {
  test("links and copies the managed files, creates users and their homes, and records the active generation", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const motd = storeFile(store, "motd", "hello\n");
    const secret = storeFile(store, "secret", "s3cret\n");
    const system = toplevel(store, {
      files: { motd: link(motd), "ssh/keys": { source: secret, mode: "0600", user: "root", group: "root" } },
      users: { alice: normalUser({ extraGroups: ["video"] }) },
    });
    const report = activate(system, machineTarget(root));

    expect(readlinkSync(join(root, "etc", "motd"))).toBe(motd);
    expect(readFileSync(join(root, "etc", "ssh", "keys"), "utf8")).toBe("s3cret\n");
    expect(statSync(join(root, "etc", "ssh", "keys")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(root, "etc", "passwd"), "utf8")).toBe(
      "root:x:0:0:root:/root:/bin/bash\n# a comment stays\nmessagebus:x:100:101::/nonexistent:/usr/sbin/nologin\nalice:x:1000:100::/home/alice:/bin/bash\n",
    );
    expect(readFileSync(join(root, "etc", "group"), "utf8")).toBe("root:x:0:\nusers:x:100:\nvideo:x:44:bob,alice\n");
    expect(readFileSync(join(root, "etc", "shadow"), "utf8")).toMatch(/^root:\*:19000:0:99999:7:::\nalice:!:\d+:0:99999:7:::\n$/);
    expect(statSync(join(root, "home", "alice")).isDirectory()).toBe(true);
    expect(activeGeneration(machineTarget(root))).toBe(system);
    expect(report.accounts?.usersAdded).toEqual(["alice"]);
    expect(report.files.changes.map((change) => `${change.action} ${change.path}`)).toEqual(["create motd", "create ssh/keys"]);
  });

  test("is idempotent: activating the same generation again changes nothing", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const system = toplevel(store, {
      files: { motd: link(storeFile(store, "motd", "hi\n")), "sudoers.d/kiln": { source: storeFile(store, "sudo", "x\n"), mode: "0440", user: "root", group: "root" } },
      users: { alice: normalUser() },
      groups: { builders: { gid: null, members: ["alice"] } },
    });
    activate(system, machineTarget(root));
    const first = snapshot(root);
    const again = activate(system, machineTarget(root));
    expect(snapshot(root)).toEqual(first);
    expect(again.files.changes).toEqual([]);
    expect(again.files.unchanged).toBe(2);
    expect(again.accounts).toMatchObject({ usersAdded: [], usersChanged: [], groupsAdded: [], groupsChanged: [] });
  });

  test("the next generation replaces changed links, removes dropped files and the users Kiln created, and keeps the distribution's", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const before = snapshot(root);
    const first = toplevel(store, {
      files: { motd: link(storeFile(store, "motd", "1\n")), "nginx/nginx.conf": link(storeFile(store, "conf", "a\n")) },
      users: { alice: normalUser({ group: "alice" }), messagebus: normalUser({ isSystemUser: true, group: "users", home: "/nonexistent", createHome: false, shell: "/usr/sbin/nologin", description: "D-Bus" }) },
      groups: { alice: { gid: null, members: [] } },
    });
    activate(first, machineTarget(root));
    expect(readFileSync(join(root, "etc", "group"), "utf8")).toContain("alice:x:999:\n");
    const motd2 = storeFile(store, "motd", "2\n");
    const second = toplevel(store, { files: { motd: link(motd2) } });
    const report = activate(second, machineTarget(root));

    expect(readlinkSync(join(root, "etc", "motd"))).toBe(motd2);
    expect(existsSync(join(root, "etc", "nginx"))).toBe(false);
    expect(report.accounts?.usersRemoved).toEqual(["alice"]);
    expect(report.accounts?.groupsRemoved).toEqual(["alice"]);
    // messagebus was the distribution's: updated by the first generation, never removed.
    expect(readFileSync(join(root, "etc", "passwd"), "utf8")).toBe(
      "root:x:0:0:root:/root:/bin/bash\n# a comment stays\nmessagebus:x:100:100:D-Bus:/nonexistent:/usr/sbin/nologin\n",
    );
    expect(snapshot(root)["etc/shadow"]).toBe(before["etc/shadow"]);
    expect(snapshot(root)["etc/group"]).toBe(before["etc/group"]);
  });

  test("moves a file it does not manage aside, and puts it back when no generation manages that name", () => {
    const store = scratch("store");
    const root = distributionRoot();
    writeFileSync(join(root, "etc", "hosts"), "127.0.0.1 localhost\n");
    const before = snapshot(root);
    const managing = toplevel(store, { files: { hosts: link(storeFile(store, "hosts", "10.0.0.1 box\n")) } });
    const report = activate(managing, machineTarget(root));
    expect(report.files.changes[0]?.action).toBe("back-up-and-create");
    expect(readFileSync(join(root, "etc", `hosts${BACKUP_SUFFIX}`), "utf8")).toBe("127.0.0.1 localhost\n");
    activate(toplevel(store, {}), machineTarget(root));
    const after = snapshot(root);
    delete after["var"];
    for (const key of Object.keys(after)) if (key.startsWith("var/")) delete after[key];
    expect(after).toEqual(before);
  });

  test("refuses, before changing anything, to place a file where both the file and its backup exist", () => {
    const store = scratch("store");
    const root = distributionRoot();
    writeFileSync(join(root, "etc", "hosts"), "mine\n");
    writeFileSync(join(root, "etc", `hosts${BACKUP_SUFFIX}`), "older\n");
    const before = snapshot(root);
    const system = toplevel(store, { files: { hosts: link(storeFile(store, "hosts", "x\n")), motd: link(storeFile(store, "motd", "m\n")) } });
    expect(() => activate(system, machineTarget(root))).toThrow(ActivationConflictError);
    expect(() => activate(system, machineTarget(root))).toThrow(/hosts\.before-kiln/);
    expect(snapshot(root)).toEqual(before);
  });

  test("a failing activation script leaves the previous generation in place and active, and says which script failed", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const good = toplevel(store, { files: { motd: link(storeFile(store, "motd", "good\n")) }, users: { alice: normalUser() }, scripts: { greet: 'echo "activating into $KILN_ROOT" > "$KILN_ROOT/greeting"\n' } });
    activate(good, machineTarget(root));
    expect(readFileSync(join(root, "greeting"), "utf8")).toBe(`activating into ${root}\n`);
    const before = snapshot(root);
    const bad = toplevel(store, {
      files: { motd: link(storeFile(store, "motd", "bad\n")), issue: link(storeFile(store, "issue", "new\n")) },
      users: { bob: normalUser({ home: "/home/bob", createHome: false }) },
      scripts: { migrate: "echo 'database is locked' >&2\nexit 3\n" },
    });
    let error: unknown;
    try {
      activate(bad, machineTarget(root));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ActivationError);
    expect((error as Error).message).toMatch(/activation script 'migrate' exited with status 3:\ndatabase is locked/);
    expect((error as Error).message).toContain(`${good} is still the active generation`);
    expect(snapshot(root)).toEqual(before);
    expect(activeGeneration(machineTarget(root))).toBe(good);
  });

  test("a home is not activated as a machine", () => {
    const store = scratch("store");
    const home = toplevel(store, { kind: "home" });
    expect(() => activate(home, machineTarget(scratch("root")))).toThrow(ActivationManifestError);
    const target = homeTarget(scratch("home"));
    activate(home, target);
    expect(activeGeneration(target)).toBe(home);
  });

  test("a store path that is not a toplevel is refused with what to build instead", () => {
    const store = scratch("store");
    expect(() => activate(storeFile(store, "hello", "x"), machineTarget(scratch("root")))).toThrow(/has no kiln-activation\.json \(build 'machines\.NAME'/);
  });
});
