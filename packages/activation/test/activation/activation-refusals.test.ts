/**
 * What activation refuses before it changes anything, whatever the module
 * types let through: paths that lead out of the root, account fields that
 * would add fields or lines to `/etc/passwd` and `/etc/group`, and account
 * files it cannot read reliably.
 */
import { cpSync, existsSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { AccountFileError, activate, ActivationManifestError, ActivationPathError, machineTarget } from "@kiln/activation";
import type { ManagedFile, ManagedGroup, ManagedUser } from "@kiln/formats";
import { distributionRoot, link, normalUser, scratch, snapshot, storeFile, toplevel } from "./activation-fixture.js";

/** Activates `spec` into a fresh root and expects `error` (class and message), with the root exactly as it was. */
function refused(
  spec: { users?: Record<string, ManagedUser>; groups?: Record<string, ManagedGroup>; files?: Record<string, ManagedFile> },
  error: abstract new (...args: never[]) => Error,
  message: string | RegExp,
  prepare: (root: string) => void = () => undefined,
): string {
  const store = scratch("store");
  const root = distributionRoot();
  prepare(root);
  const before = snapshot(root);
  const system = toplevel(store, { files: { motd: link(storeFile(store, "motd", "hi\n")) }, ...spec });
  let thrown: unknown;
  try {
    activate(system, machineTarget(root));
  } catch (caught) {
    thrown = caught;
  }
  expect(thrown).toBeInstanceOf(error);
  expect((thrown as Error).message).toMatch(message);
  expect(snapshot(root)).toEqual(before);
  return root;
}

describe("activation refuses, before any change, a path that leads out of the root", () => {
  test("a home with '..' segments, which would create a directory outside the root", () => {
    const escape = `kiln-escaped-home-${process.pid}-${Date.now()}`;
    refused({ users: { x: normalUser({ home: `/../../../../../../tmp/${escape}` }) } }, ActivationManifestError, /users\.x\.home is "\/\.\.\/.*": a home must be an absolute path without '\.', '\.\.'/);
    expect(existsSync(join("/tmp", escape))).toBe(false);
  });

  test("a relative home", () => {
    refused({ users: { x: normalUser({ home: "home/x" }) } }, ActivationManifestError, /users\.x\.home is "home\/x"/);
  });

  test("a home whose directory in the root is a symlink to outside it", () => {
    const outside = scratch("outside");
    refused({ users: { alice: normalUser() } }, ActivationPathError, /the home directory .*\/home\/alice leads outside .*: .*\/home resolves to /, (root) => symlinkSync(outside, join(root, "home")));
    expect(readdirSync(outside)).toEqual([]);
  });

  test("a home whose directory in the root is a symlink that leads nowhere (mkdir -p would follow it)", () => {
    refused({ users: { alice: normalUser() } }, ActivationPathError, /\/home\/alice cannot be placed: .*\/home is a symlink that leads nowhere/, (root) => symlinkSync("/nonexistent-kiln-target", join(root, "home")));
  });

  test("an /etc that is a symlink to outside the root", () => {
    const outside = scratch("outside");
    refused({}, ActivationPathError, /\/etc .*\/etc leads outside .*: .*\/etc resolves to /, (root) => {
      cpSync(join(root, "etc"), outside, { recursive: true });
      rmSync(join(root, "etc"), { recursive: true });
      symlinkSync(outside, join(root, "etc"));
    });
    expect(existsSync(join(outside, "motd"))).toBe(false);
  });

  test("an /etc entry whose name has '..' segments", () => {
    const store = scratch("store");
    refused({ files: { "../escaped": link(storeFile(store, "x", "x\n")) } }, ActivationManifestError, /files: '\.\.\/escaped' is not a relative path without '\.' or '\.\.' segments/);
  });
});

describe("activation refuses, before any change, account fields that would corrupt the account files", () => {
  test.each([
    ["a description with ':'", { users: { alice: normalUser({ description: "Alice:0:0:/root" }) } }, /users\.alice\.description is "Alice:0:0:\/root", which holds ':'/],
    ["a shell with ':'", { users: { alice: normalUser({ shell: "/bin/sh:evil" }) } }, /users\.alice\.shell is "\/bin\/sh:evil", which holds ':'/],
    ["a description with a newline", { users: { alice: normalUser({ description: "Alice\nroot::0:0::/:/bin/sh" }) } }, /users\.alice\.description .* holds a line break/],
    ["a home with a NUL", { users: { alice: normalUser({ home: "/home/al\0ice" }) } }, /users\.alice\.home .* holds a NUL character/],
    ["a group member with ','", { groups: { wheel: { gid: null, members: ["alice,root"] } } }, /groups\.wheel\.members: "alice,root" is not a user name/],
    ["a supplementary group with ','", { users: { alice: normalUser({ extraGroups: ["wheel,root"] }) } }, /users\.alice\.extraGroups: "wheel,root" is not a group name/],
    ["a primary group with ':'", { users: { alice: normalUser({ group: "users:x:0" }) } }, /users\.alice\.group: "users:x:0" is not a group name/],
  ] as const)("%s", (_label, spec, message) => {
    refused(spec, ActivationManifestError, message);
  });
});

describe("a malformed line in the root's account files stops activation before any change, naming the file and line", () => {
  test("a passwd line with too few fields", () => {
    refused({ users: { alice: normalUser() } }, AccountFileError, /\/etc\/passwd:2: a passwd line has 7 fields .* but this one has 4: 'daemon:x:1:1'/, (root) =>
      writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1\n"),
    );
  });

  test("a name twice in group", () => {
    refused({ users: { alice: normalUser() } }, AccountFileError, /\/etc\/group:3: 'users' is there twice \(line 2 and line 3\)/, (root) =>
      writeFileSync(join(root, "etc", "group"), "root:x:0:\nusers:x:100:\nusers:x:101:\n"),
    );
  });

  test("a uid that is not a number", () => {
    refused({}, AccountFileError, /\/etc\/passwd:1: the uid of 'root' is 'zero', not a number/, (root) => writeFileSync(join(root, "etc", "passwd"), "root:x:zero:0:root:/root:/bin/bash\n"));
  });
});
