/**
 * The system accounts of a machine's packages (`accountsFrom`: packages
 * with `lib/sysusers.d/*.conf`), activated into a root with a
 * distribution's accounts: made when missing, never over the
 * configuration's own declaration or an account the root already has, an
 * id that is taken not taken again, and removed with the last generation
 * that had the package.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ACTIVATION_MANIFEST_FILE } from "@kiln/formats";
import { activate, machineTarget, parseSysusers, readActivationManifest } from "@kiln/activation";
import { distributionRoot, normalUser, scratch, toplevel } from "./activation-fixture.js";

/** A package in `store` whose `lib/sysusers.d/NAME.conf` is `text`. */
function packageWithAccounts(store: string, name: string, text: string): string {
  const path = join(store, `0000-${name}`);
  mkdirSync(join(path, "lib/sysusers.d"), { recursive: true });
  writeFileSync(join(path, "lib/sysusers.d", `${name}.conf`), text);
  return path;
}

/** `system` with `accountsFrom` set in its manifest. */
function withAccountsFrom(system: string, paths: readonly string[]): string {
  const file = join(system, ACTIVATION_MANIFEST_FILE);
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, "utf8")) as object), accountsFrom: paths }));
  return system;
}

const DEMO = [
  "# sysusers.d(5)",
  'u demo - "Demo daemon" /var/lib/demo',
  "g demo-data 44",
  "m demo demo-data",
  'u messagebus - "the root has it already"',
  'u mine - "the package would make it so"',
  "u 'quoted-oddly - ",
  'u host-%H - "a specifier: left out"',
  "r - 500-900",
  "",
].join("\n");

describe("accounts of a machine's packages", () => {
  test("parse as sysusers.d lines: users with their own group or a named one, groups, memberships; unreadable lines are left out", () => {
    expect(parseSysusers('u sshd -:nogroup - /run/sshd /usr/sbin/nologin\nu tor 107 "Tor" /var/lib/tor\ng adm 4\nm syslog adm\nu bad - "a:b"\n')).toEqual({
      users: [
        { name: "sshd", uid: null, group: "nogroup", gid: null, description: "", home: "/run/sshd", shell: "/usr/sbin/nologin" },
        { name: "tor", uid: 107, group: "tor", gid: 107, description: "Tor", home: "/var/lib/tor", shell: "/usr/sbin/nologin" },
      ],
      groups: [{ name: "adm", gid: 4 }],
      members: [{ user: "syslog", group: "adm" }],
    });
  });

  test("are made when the root lacks them; the configuration's declaration and the root's own accounts win; a taken id is not taken again", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const demo = packageWithAccounts(store, "demo", DEMO);
    const system = withAccountsFrom(
      toplevel(store, { users: { mine: normalUser({ isSystemUser: true, description: "declared", home: "/var/empty", createHome: false, shell: "/usr/sbin/nologin" }) } }),
      [demo, join(store, "a-package-without-accounts")],
    );
    const manifest = readActivationManifest(system);
    expect(manifest.users["demo"]).toMatchObject({ isSystemUser: true, group: "demo", description: "Demo daemon", home: "/var/lib/demo", shell: "/usr/sbin/nologin", extraGroups: ["demo-data"], fromPackage: demo });
    expect(manifest.users["mine"]?.description).toBe("declared");
    expect(manifest.users["mine"]?.fromPackage).toBeUndefined();
    expect(Object.keys(manifest.users).sort()).toEqual(["demo", "messagebus", "mine"]);

    const report = activate(system, machineTarget(root));
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toBe(
      [
        "root:x:0:0:root:/root:/bin/bash",
        "# a comment stays",
        "messagebus:x:100:101::/nonexistent:/usr/sbin/nologin",
        "mine:x:999:100:declared:/var/empty:/usr/sbin/nologin",
        "demo:x:998:998:Demo daemon:/var/lib/demo:/usr/sbin/nologin",
        "",
      ].join("\n"),
    );
    // gid 44 is video's: demo-data gets a free one.
    expect(readFileSync(join(root, "etc/group"), "utf8")).toBe("root:x:0:\nusers:x:100:\nvideo:x:44:bob\ndemo-data:x:999:demo\ndemo:x:998:\n");
    expect(report.accounts?.usersAdded).toEqual(["mine", "demo"]);

    // The next generation without the package: the accounts Kiln made for it go, the root's stay.
    activate(toplevel(store, {}), machineTarget(root));
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toBe("root:x:0:0:root:/root:/bin/bash\n# a comment stays\nmessagebus:x:100:101::/nonexistent:/usr/sbin/nologin\n");
    expect(readFileSync(join(root, "etc/group"), "utf8")).toBe("root:x:0:\nusers:x:100:\nvideo:x:44:bob\n");
  });

  test("are refused in a manifest that lists a relative path to read them from", () => {
    const store = scratch("store");
    const system = withAccountsFrom(toplevel(store, {}), ["relative/path"]);
    expect(() => readActivationManifest(system)).toThrow(/"accountsFrom" must be a list of absolute store paths/);
  });
});
