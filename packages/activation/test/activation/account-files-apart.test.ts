/**
 * A switch killed between replacing `/etc/group` and `/etc/gshadow` leaves
 * a group's members in the one and the previous members in the other; the
 * next activation puts gshadow's list back in line with group's, as
 * `grpck` expects, even though `/etc/group` itself needs no change.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { activate, machineTarget } from "@kiln/activation";
import { normalUser, scratch, toplevel } from "./activation-fixture.js";

test("gshadow's members follow /etc/group's when an interrupted switch wrote only the group file", () => {
  const store = scratch("store");
  const root = scratch("apart-root");
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(join(root, "etc", "group"), "root:x:0:\nusers:x:100:\n");
  writeFileSync(join(root, "etc", "gshadow"), "root:*::\nusers:*::\n", { mode: 0o640 });
  const users = { alice: normalUser(), bob: normalUser() };
  activate(toplevel(store, { users, groups: { builders: { gid: null, members: ["bob"] } } }), machineTarget(root));
  expect(readFileSync(join(root, "etc", "gshadow"), "utf8")).toContain("builders:!::bob\n");
  // Killed after /etc/group of the next generation was written, before its gshadow.
  const group = join(root, "etc", "group");
  writeFileSync(group, readFileSync(group, "utf8").replace(/^(builders:x:\d+:)bob$/m, "$1alice"));
  activate(toplevel(store, { users, groups: { builders: { gid: null, members: ["alice"] } } }), machineTarget(root));
  expect(readFileSync(group, "utf8")).toMatch(/^builders:x:\d+:alice$/m);
  expect(readFileSync(join(root, "etc", "gshadow"), "utf8")).toContain("builders:!::alice\n");
});
