/** `/etc/shadow` and `/etc/gshadow` of a root that has none yet get created, with useradd's mode, when Kiln adds an account. */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { activate, machineTarget } from "@kiln/activation";
import { link, normalUser, scratch, snapshot, storeFile, toplevel } from "./activation-fixture.js";

/** A bare root: passwd and group, but no shadow files, as a fresh `--root` tree often is. */
function bareRoot(): string {
  const root = scratch("bare-root");
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(join(root, "etc", "group"), "root:x:0:\nshadow:x:42:\nusers:x:100:\n");
  return root;
}

describe("shadow files of a root without them", () => {
  test("are created with mode 0640 (group shadow, when run as root) holding a locked line for each account Kiln adds", () => {
    const store = scratch("store");
    const root = bareRoot();
    const system = toplevel(store, { users: { alice: normalUser({ extraGroups: ["builders"] }) }, groups: { builders: { gid: null, members: [] } } });
    activate(system, machineTarget(root));
    const shadow = join(root, "etc", "shadow");
    const gshadow = join(root, "etc", "gshadow");
    expect(readFileSync(shadow, "utf8")).toMatch(/^alice:!:\d+:0:99999:7:::\n$/);
    expect(readFileSync(gshadow, "utf8")).toBe("builders:!::alice\n");
    for (const path of [shadow, gshadow]) {
      expect(statSync(path).mode & 0o7777).toBe(0o640);
      if (process.getuid?.() === 0) expect(statSync(path).gid).toBe(42);
    }
  });

  test("are not created when Kiln adds no account, and go again with the last account Kiln added", () => {
    const store = scratch("store");
    const root = bareRoot();
    const before = snapshot(root);
    const filesOnly = toplevel(store, { files: { motd: link(storeFile(store, "motd", "hi\n")) } });
    activate(filesOnly, machineTarget(root));
    expect(existsSync(join(root, "etc", "shadow"))).toBe(false);
    expect(existsSync(join(root, "etc", "gshadow"))).toBe(false);
    activate(toplevel(store, { users: { alice: normalUser() }, groups: { builders: { gid: null, members: ["alice"] } } }), machineTarget(root));
    expect(existsSync(join(root, "etc", "shadow"))).toBe(true);
    activate(toplevel(store, {}), machineTarget(root));
    const after = snapshot(root);
    for (const name of ["etc/passwd", "etc/group", "etc/shadow", "etc/gshadow"]) expect(after[name]).toBe(before[name]);
  });

  test("an existing gshadow gets the groups Kiln adds and follows their members", () => {
    const store = scratch("store");
    const root = bareRoot();
    writeFileSync(join(root, "etc", "gshadow"), "root:*::\nusers:*::\n", { mode: 0o600 });
    activate(toplevel(store, { users: { alice: normalUser({ extraGroups: ["users"] }) }, groups: { builders: { gid: null, members: ["alice"] } } }), machineTarget(root));
    expect(readFileSync(join(root, "etc", "gshadow"), "utf8")).toBe("root:*::\nusers:*::alice\nbuilders:!::alice\n");
    // The distribution's file keeps its own mode.
    expect(statSync(join(root, "etc", "gshadow")).mode & 0o7777).toBe(0o600);
  });

  test("a group Kiln created goes from gshadow too when an interrupted switch already took it out of /etc/group", () => {
    const store = scratch("store");
    const root = bareRoot();
    writeFileSync(join(root, "etc", "gshadow"), "root:*::\n");
    activate(toplevel(store, { users: { alice: normalUser() }, groups: { builders: { gid: null, members: [] } } }), machineTarget(root));
    expect(readFileSync(join(root, "etc", "gshadow"), "utf8")).toBe("root:*::\nbuilders:!::\n");
    // Killed between writing /etc/group and /etc/gshadow of a switch to a generation without the group.
    const group = join(root, "etc", "group");
    writeFileSync(group, readFileSync(group, "utf8").replace(/^builders:.*\n/m, ""));
    activate(toplevel(store, { users: { alice: normalUser() } }), machineTarget(root));
    expect(readFileSync(join(root, "etc", "gshadow"), "utf8")).toBe("root:*::\n");
  });
});
