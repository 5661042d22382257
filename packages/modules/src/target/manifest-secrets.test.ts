/** The manifest's secrets: declared once where used, the age program as a store path, and two secrets of one name refused. */
import { secret, secretPlaceholder, secretTemplate } from "@kiln/formats";
import { describe, expect, it } from "vitest";
import { manifestSecrets } from "./manifest-secrets.js";

const age = "/nix/store/3n58xw4373jp0ljirf06d8077j15pc4j-age-1.1.1";
const db = secret({ name: "db", file: "/nix/store/0c2f4n5i5wfbi1l9bcmsxj7c0mm4bhl4-db.age", owner: "app", group: "app", mode: "0440" });
const pw = secret({ name: "alice-password", file: "/nix/store/1d3g5o6j6xgcj2m0cdntyk8d1nn5cim5-alice.age" });
const conf = secretTemplate({ name: "app.ini", text: (t) => `password=${t.secret(db)}\n`, restartUnits: ["app.service"] });

describe("manifestSecrets", () => {
  it("decrypts the secrets of templates and users without their being listed, and runs age from the package given", () => {
    const result = manifestSecrets({ files: [], templates: [conf], identities: ["/etc/ssh/ssh_host_ed25519_key"], age, used: [pw], option: "secrets" });
    expect(result).toEqual({
      age: `${age}/bin/age`,
      identities: ["/etc/ssh/ssh_host_ed25519_key"],
      secrets: {
        "alice-password": { source: pw.file, owner: "root", group: "root", mode: "0400", restartUnits: [] },
        db: { source: db.file, owner: "app", group: "app", mode: "0440", restartUnits: [] },
      },
      templates: { "app.ini": { text: `password=${secretPlaceholder("db")}\n`, secrets: ["db"], owner: "root", group: "root", mode: "0400", restartUnits: ["app.service"] } },
    });
  });

  it("is absent with no secrets, and takes age from PATH without a package", () => {
    expect(manifestSecrets({ files: [], templates: [], identities: [], age: null, option: "secrets" })).toBeUndefined();
    expect(manifestSecrets({ files: [db, db], templates: [], identities: [], age: null, option: "secrets" })?.age).toBeNull();
  });

  it("refuses two different secrets of one name, which would be one file", () => {
    const other = secret({ name: "db", file: "/nix/store/2e4h6p7k7yhdk3n1deozl9e2oo6djn6-other.age" });
    expect(() => manifestSecrets({ files: [db, other], templates: [], identities: [], age: null, option: "secrets" })).toThrow(/secrets: two different secrets are named 'db'/);
  });
});
