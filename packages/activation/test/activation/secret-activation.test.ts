/**
 * Secrets at activation, on hand-made toplevels: the age program the
 * manifest names is the one run, the switch stops before any change when no
 * key can decrypt, a failure later puts the previous secrets back, and
 * secrets the next generation drops are removed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { activate, ageEncrypt, machineTarget, SecretActivationError } from "@kiln/activation";
import type { ManagedSecrets } from "@kiln/formats";
import { distributionRoot, link, scratch, snapshot, storeFile, toplevel } from "./activation-fixture.js";

const hasAge = spawnSync("age-keygen", ["--help"]).error === undefined && spawnSync("age", ["--version"]).status === 0;

/** An age key in the root's `/etc/kiln-key.txt`, and its public key. */
function hostKey(root: string): string {
  const file = join(root, "etc", "kiln-key.txt");
  spawnSync("age-keygen", ["-o", file]);
  return /public key: (age1\w+)/.exec(readFileSync(file, "utf8"))?.[1] ?? "";
}

function encrypted(store: string, name: string, text: string, recipient: string): string {
  return storeFile(store, `${name}.age`, ageEncrypt(Buffer.from(text), [recipient]).toString("ascii"));
}

function secrets(entries: Record<string, string>, age: string | null = null): ManagedSecrets {
  return {
    age,
    identities: ["/etc/kiln-key.txt"],
    secrets: Object.fromEntries(Object.entries(entries).map(([name, source]) => [name, { source, owner: "root", group: "root", mode: "0400", restartUnits: [] }])),
    templates: {},
  };
}

describe.skipIf(!hasAge)("secrets at activation", () => {
  test("are decrypted with the age program the manifest names (a store path), not the one on PATH", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const recipient = hostKey(root);
    const log = join(store, "age-was-run");
    const age = storeFile(store, "age", `#!/bin/sh\necho "$@" >> ${log}\nexec age "$@"\n`, true);
    activate(toplevel(store, { secrets: secrets({ token: encrypted(store, "token", "t0ken", recipient) }, age) }), machineTarget(root));
    expect(readFileSync(join(root, "run", "kiln", "secrets", "token"), "utf8")).toBe("t0ken");
    expect(readFileSync(log, "utf8")).toContain(`-i ${join(root, "etc", "kiln-key.txt")} -d`);
  });

  test("stop the activation before any change when no key is there, naming the secret and the keys looked for", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const before = snapshot(root);
    const system = toplevel(store, { files: { motd: link(storeFile(store, "motd", "hi\n")) }, secrets: secrets({ token: storeFile(store, "token.age", "not age") }) });
    expect(() => activate(system, machineTarget(root))).toThrow(SecretActivationError);
    expect(() => activate(system, machineTarget(root))).toThrow(`secret 'token' cannot be decrypted: no key to decrypt it with (tried ${join(root, "etc", "kiln-key.txt")}; none exists); nothing was changed`);
    expect(snapshot(root)).toEqual(before);
  });

  test("a failure after they were written puts the previous contents back; the next generation removes those it drops, and one without secrets all of them", () => {
    const store = scratch("store");
    const root = distributionRoot();
    const recipient = hostKey(root);
    const directory = join(root, "run", "kiln", "secrets");
    activate(toplevel(store, { secrets: secrets({ token: encrypted(store, "token", "first", recipient), old: encrypted(store, "old", "old", recipient) }) }), machineTarget(root));
    const failing = toplevel(store, { secrets: secrets({ token: encrypted(store, "token", "second", recipient) }), scripts: { fail: "exit 3\n" } });
    expect(() => activate(failing, machineTarget(root))).toThrow(/activation script 'fail' .*3/);
    expect(readFileSync(join(directory, "token"), "utf8")).toBe("first");
    expect(readFileSync(join(directory, "old"), "utf8")).toBe("old");
    const report = activate(toplevel(store, { secrets: secrets({ token: encrypted(store, "token", "second", recipient) }) }), machineTarget(root));
    expect(report.secrets).toMatchObject({ installed: ["token"], changed: ["token"], removed: ["old"] });
    expect(readFileSync(join(directory, "token"), "utf8")).toBe("second");
    expect(existsSync(join(directory, "old"))).toBe(false);
    expect(statSync(directory).mode & 0o7777).toBe(0o751);
    expect(statSync(join(directory, "token")).mode & 0o7777).toBe(0o400);
    // A generation without any secret removes the last ones.
    const none = activate(toplevel(store, {}), machineTarget(root));
    expect(none.secrets).toMatchObject({ installed: [], removed: ["token"] });
    expect(existsSync(join(directory, "token"))).toBe(false);
  });
});
