/** A Secret coerces to its run-time path only, and every way of turning it into a string that enters the store refuses it. */
import { describe, expect, it } from "vitest";
import { derivation, homeSecret, isSecret, secret, isSecretTemplate, secretPlaceholder, secretTemplate } from "@kiln/formats";
import { validateActivationManifest } from "../../src/activation/read-activation-manifest.js";

const db = secret({ name: "db-password", file: "/secrets/db.age", owner: "app", group: "app", mode: "0440" });

describe("secret()", () => {
  it("interpolates to its run-time path, never to anything else, and its JSON names the file, not a content", () => {
    expect(`${db}`).toBe("/run/kiln/secrets/db-password");
    expect(String(db)).toBe(db.path);
    expect(JSON.parse(JSON.stringify({ db }))).toEqual({ db: { secret: "db-password", path: "/run/kiln/secrets/db-password", file: "/secrets/db.age" } });
    expect(`${homeSecret({ name: "mail", file: "/secrets/mail.age" })}`).toBe("$XDG_RUNTIME_DIR/kiln/secrets/mail");
    expect(isSecret(db)).toBe(true);
    expect(isSecret({ ...db })).toBe(false);
  });

  it("refuses a name that is not a file name, a relative file and a mode that is not octal", () => {
    expect(() => secret({ name: "../etc/passwd", file: "/s.age" })).toThrow(/is not usable as a file name/);
    expect(() => secret({ name: "rendered", file: "/s.age" })).toThrow(/not 'rendered'/);
    expect(() => secret({ name: "db", file: "secrets/db.age" })).toThrow(/must be an absolute path; write path\("\.\/secrets\/db\.age"\)/);
    expect(() => secret({ name: "db", file: "/s.age", mode: "rw" })).toThrow(/mode "rw" is not an octal mode/);
    expect(() => secret({ name: "db", file: "/s.age", owner: "a:b" })).toThrow(/owner "a:b" is not a user name/);
  });
});

describe("a secret passed to derivation()", () => {
  const base = { name: "leak", system: "x86_64-linux", builder: "/bin/sh" };
  it("is refused as an attribute, inside a list, and with structured attributes, saying to use its path or a template", () => {
    const message = /attribute 'password': secret 'db-password' is not a string: its value must never reach the store\. Use its path .*"\/run\/kiln\/secrets\/db-password".* or secretTemplate\(\)/;
    expect(() => derivation({ ...base, password: db as never })).toThrow(message);
    expect(() => derivation({ ...base, args: ["-c", db as never] })).toThrow(/attribute 'args': secret 'db-password' is not a string/);
    expect(() => derivation({ ...base, __structuredAttrs: true, password: db as never })).toThrow(message);
  });

  it("is accepted as its path when interpolated, which is all a program needs to read it", () => {
    const drv = derivation({ ...base, passwordFile: `${db}` });
    expect(drv.drv.env.get("passwordFile")).toBe("/run/kiln/secrets/db-password");
  });
});

describe("secretTemplate()", () => {
  it("holds placeholders, not contents, and records the secrets it uses", () => {
    const token = secret({ name: "token", file: "/secrets/token.age" });
    const conf = secretTemplate({ name: "app.ini", text: (t) => `password=${t.secret(db)}\ntoken=${t.secret(token)}\n` });
    expect(conf.text).toBe(`password=${secretPlaceholder("db-password")}\ntoken=${secretPlaceholder("token")}\n`);
    expect([...conf.secrets.keys()]).toEqual(["db-password", "token"]);
    expect(`${conf}`).toBe("/run/kiln/secrets/rendered/app.ini");
    expect(isSecretTemplate(conf)).toBe(true);
    expect(() => derivation({ name: "leak", system: "x86_64-linux", builder: "/bin/sh", conf: conf as never })).toThrow(/secretTemplate 'app\.ini' is not a string/);
  });

  it("refuses t.secret() of something that is not a secret", () => {
    expect(() => secretTemplate({ name: "bad", text: (t) => t.secret("hunter2" as never) })).toThrow(/t\.secret\(\) takes a secret made with secret\(\), not string/);
  });
});

describe("the manifest's secrets", () => {
  const manifest = (secrets: unknown, users: Record<string, unknown> = {}) => ({ version: 1, kind: "machine", name: "m", files: {}, users, groups: {}, activationScripts: [], packages: [], secrets });
  const entry = { source: "/nix/store/x-db.age", owner: "root", group: "root", mode: "0400", restartUnits: [] };
  it("are checked: names usable as file names, templates naming declared secrets, owners that are account names", () => {
    expect(() => validateActivationManifest(manifest({ age: null, identities: ["/k"], secrets: { "../x": entry }, templates: {} }), "m.json")).toThrow(/'\.\.\/x' is not usable as a file name/);
    expect(() => validateActivationManifest(manifest({ age: null, identities: ["/k"], secrets: { db: entry }, templates: { t: { ...entry, text: "", secrets: ["other"] } } }), "m.json")).toThrow(/uses "other", which is not in secrets\.secrets/);
    expect(() => validateActivationManifest(manifest({ age: null, identities: ["/k"], secrets: { db: { ...entry, owner: "a:b" } }, templates: {} }), "m.json")).toThrow(/needs "owner" and "group" account names/);
    expect(validateActivationManifest(manifest({ age: null, identities: ["/k"], secrets: { db: entry }, templates: {} }), "m.json").secrets?.secrets["db"]?.mode).toBe("0400");
  });
});
