/**
 * Secrets as a user meets them: `kiln check` refusing a secret used as a
 * string, `kiln secrets edit` and `rekey` with real age and SSH keys, and
 * `kiln switch` decrypting a machine's and a home's secrets into a root,
 * with nothing of their plaintext in the store.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const fixtures = fileURLToPath(new URL("./fixtures/secrets/", import.meta.url));
const hasAge = spawnSync("age", ["--version"]).status === 0 && spawnSync("ssh-keygen", ["-?"]).error === undefined;
const isRoot = process.getuid?.() === 0;

/** A secret passed as a string to derivation(), mkDerivation, an /etc text and a `str` option (written by the test: the repository's typecheck must not see it). */
const SECRET_AS_STRING = [
  "// A secret passed as a string: to a derivation, mkDerivation, an /etc text and a `str` option. `kiln check` must refuse each at its line.",
  "import { derivation, secret } from \"@kiln/core\";",
  "import { defineMachine, defineMachineModule } from \"@kiln/modules\";",
  "import { defaultPackageSet } from \"@kiln/pkgs\";",
  "",
  "const pkgs = defaultPackageSet();",
  "const db = secret({ name: \"db-password\", file: \"/secrets/db.age\" });",
  "",
  "export const leaked = derivation({ name: \"leak\", system: \"x86_64-linux\", builder: \"/bin/sh\", password: db });",
  "export const leakedToo = pkgs.stdenv.mkDerivation({ pname: \"leak\", version: \"1\", configureFlags: [\"--with-password\", db] });",
  "const web = defineMachineModule({",
  "  config: {",
  "    environment: { etc: { \"db.conf\": { text: db } } },",
  "    networking: { hostName: db },",
  "  },",
  "});",
  "export const machine = defineMachine({ pkgs, modules: [web] });",
].join("\n");

const PLAINTEXT = { db: "db-plaintext-0b9e4c", token: "token-plaintext-51aa7d", alice: "$6$kilnsalt$alicehashplaintext3f9e", mail: "mail-plaintext-c41d02" };

let work = "";
let project = "";
let env: NodeJS.ProcessEnv = {};
const keys: Record<"admin" | "host" | "host2" | "wrong", { private: string; public: string }> = {} as never;

const kiln = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => runKiln(args, project, { ...env, ...extra });

function rules(host: "host" | "host2"): string {
  const entry = `{ publicKeys: [admin, ${host}] }`;
  return [`const admin = ${JSON.stringify(keys.admin.public)};`, `const ${host} = ${JSON.stringify(keys[host].public)};`, `export default { "db.age": ${entry}, "token.age": ${entry}, "alice.age": ${entry}, "mail.age": ${entry} };`, ""].join("\n");
}

/** `kiln secrets edit FILE` with an "editor" that writes `content`. */
function editSecret(file: string, content: string) {
  return kiln(["secrets", "edit", file, "--identity", keys.admin.private], { EDITOR: `printf '%s\\n' '${content}' >`, VISUAL: "" });
}

function ageDecrypts(file: string, key: string): boolean {
  return spawnSync("age", ["-d", "-i", key, file]).status === 0;
}

/** Every file (and symlink target) under `directory`, for a scan. */
function* everyFile(directory: string): Generator<string> {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    const stats = lstatSync(path);
    if (stats.isDirectory()) yield* everyFile(path);
    else yield path;
  }
}

function rootWithHostKey(name: string, key: string): string {
  const root = join(work, name);
  mkdirSync(join(root, "etc", "ssh"), { recursive: true });
  copyFileSync(key, join(root, "etc", "ssh", "ssh_host_ed25519_key"));
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(join(root, "etc", "group"), "root:x:0:\nusers:x:100:\n");
  writeFileSync(join(root, "etc", "shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
  return root;
}

beforeAll(() => {
  if (!hasAge) return;
  work = mkdtempSync(join(tmpdir(), "kiln-secrets-"));
  project = join(work, "project");
  mkdirSync(join(project, "secrets"), { recursive: true });
  copyFileSync(join(fixtures, "kiln.ts"), join(project, "kiln.ts"));
  env = { KILN_STORE_DIR: join(work, "store", "store"), XDG_RUNTIME_DIR: join(work, "runtime") };
  mkdirSync(join(work, "keys"));
  for (const name of ["admin", "host", "host2", "wrong"] as const) {
    const file = join(work, "keys", name);
    expect(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file]).status).toBe(0);
    keys[name] = { private: file, public: readFileSync(`${file}.pub`, "utf8").trim() };
  }
  writeFileSync(join(project, "secrets", "secrets.ts"), rules("host"));
  for (const [name, content] of [["db", PLAINTEXT.db], ["token", PLAINTEXT.token], ["alice", PLAINTEXT.alice], ["mail", PLAINTEXT.mail]] as const) {
    const made = editSecret(`secrets/${name}.age`, content);
    expect(made.stderr).toContain(`created secrets/${name}.age for 2 recipients`);
  }
}, 60_000);
afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

describe("a secret used as a string", () => {
  it("kiln check refuses a secret used as a string in derivation(), mkDerivation, an /etc text and a str option, each at its line", () => {
    const directory = mkdtempSync(join(tmpdir(), "kiln-secret-check-"));
    const file = join(directory, "secret-as-string.ts");
    writeFileSync(file, `${SECRET_AS_STRING}\n`);
    const run = runKiln(["check", file], directory);
    rmSync(directory, { recursive: true, force: true });
    expect(run.status).toBe(1);
    for (const line of [9, 10, 13, 14]) expect(run.stderr).toMatch(new RegExp(`${file}:${line}:\\d+: error TS2322: a Secret is not a string: its value must never reach the store\\. Use its path`));
    expect(run.stderr).toContain("secret-as-string.ts: 4 type errors");
  });

  it("a plain JavaScript config is refused at run time: in a derivation, and in a str option at its line", () => {
    const derivation = runKiln(["instantiate", "secret-as-string.mjs"], fixtures);
    expect(derivation.status).toBe(1);
    expect(derivation.stderr).toContain(`derivation 'leak': attribute 'password': secret 'db-password' is not a string: its value must never reach the store. Use its path`);
    const option = runKiln(["instantiate", "secret-as-option.mjs#machines.web"], fixtures);
    expect(option.status).toBe(1);
    expect(option.stderr).toContain("A definition for option `networking.hostName' is not of type");
    expect(option.stderr).toContain("secret-as-option.mjs:8:");
    expect(option.stderr).toContain(`secret 'db-password' is not a string`);
  });
});

describe.skipIf(!hasAge)("secrets", () => {
  it("switch decrypts three secrets and renders a template into --root with their modes and owners, and no store path holds any plaintext", () => {
    const root = rootWithHostKey("r1", keys.host.private);
    const run = kiln(["switch", "--machine", "web", "--root", root]);
    expect(run.stderr).toContain("secrets: 4 in");
    expect(run.status).toBe(0);
    const secrets = join(root, "run", "kiln", "secrets");
    expect(statSync(secrets).mode & 0o7777).toBe(0o751);
    const expected: [string, string, number][] = [
      ["db-password", `${PLAINTEXT.db}\n`, 0o440],
      ["api-token", `${PLAINTEXT.token}\n`, 0o400],
      ["alice-password", `${PLAINTEXT.alice}\n`, 0o400],
      ["rendered/app.conf", `[db]\npassword=${PLAINTEXT.db}\n\ntoken=${PLAINTEXT.token}\n\n`, 0o400],
    ];
    for (const [name, content, mode] of expected) {
      expect(readFileSync(join(secrets, name), "utf8")).toBe(content);
      expect(statSync(join(secrets, name)).mode & 0o7777).toBe(mode);
    }
    if (isRoot) {
      const app = readFileSync(join(root, "etc", "passwd"), "utf8").split("\n").find((line) => line.startsWith("app:"))?.split(":") ?? [];
      expect(statSync(join(secrets, "db-password")).uid).toBe(Number(app[2]));
      expect(statSync(join(secrets, "db-password")).gid).toBe(Number(app[3]));
      expect(statSync(join(secrets, "rendered", "app.conf")).uid).toBe(Number(app[2]));
      expect(statSync(join(secrets, "api-token")).uid).toBe(0);
    }
    // The password hash went to shadow; /etc names only the secret's path.
    expect(readFileSync(join(root, "etc", "shadow"), "utf8")).toMatch(new RegExp(`^alice:${PLAINTEXT.alice.replace(/\$/g, "\\$")}:`, "m"));
    expect(readFileSync(join(root, "etc", "app", "where"), "utf8")).toBe("db=/run/kiln/secrets/db-password\nconf=/run/kiln/secrets/rendered/app.conf\n");
    // The whole store (every path of the closure, the .drv files and the database) is scanned for every plaintext.
    let scanned = 0;
    for (const file of everyFile(join(work, "store"))) {
      const content = lstatSync(file).isSymbolicLink() ? readlinkSync(file) : readFileSync(file, "latin1");
      scanned++;
      for (const plaintext of Object.values(PLAINTEXT)) expect(content.includes(plaintext), `${file} holds a secret's plaintext`).toBe(false);
    }
    expect(scanned).toBeGreaterThan(10);
  });

  it("a secret whose content changed is written again and restarts the unit that names its path", () => {
    const root = join(work, "r1");
    expect(editSecret("secrets/db.age", "db-plaintext-second").stderr).toContain("encrypted secrets/db.age for 2 recipients");
    const run = kiln(["switch", "--machine", "web", "--root", root]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("changed: db-password, rendered/app.conf");
    expect(run.stderr).toMatch(/units: restart app\.service/);
    expect(readFileSync(join(root, "run", "kiln", "secrets", "db-password"), "utf8")).toBe("db-plaintext-second\n");
  });

  it("a wrong host key stops the switch before any change, naming the secret and the key tried", () => {
    const root = rootWithHostKey("r2", keys.wrong.private);
    const run = kiln(["switch", "--machine", "web", "--root", root]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`secret 'alice-password' (`);
    expect(run.stderr).toContain(`cannot be decrypted with the key ${join(root, "etc", "ssh", "ssh_host_ed25519_key")}`);
    expect(run.stderr).toContain(": no identity matched any of the recipients; nothing was changed (is the file encrypted for this host's public key?");
    expect(readdirSync(join(root, "etc")).sort()).toEqual(["group", "passwd", "shadow", "ssh"]);
    expect(readFileSync(join(root, "etc", "passwd"), "utf8")).toBe("root:x:0:0:root:/root:/bin/sh\n");
    expect(existsSync(join(root, "run"))).toBe(false);
    expect(existsSync(join(root, "var"))).toBe(false);
  });

  it("a home's secrets are decrypted with the user's key into $XDG_RUNTIME_DIR/kiln/secrets", () => {
    const home = join(work, "home-alice");
    mkdirSync(join(home, ".ssh"), { recursive: true });
    copyFileSync(keys.admin.private, join(home, ".ssh", "id_ed25519"));
    const run = kiln(["switch", "--home", "alice", "--root", home]);
    expect(run.stderr).toContain("secrets: 2 in");
    expect(run.status).toBe(0);
    const secrets = join(work, "runtime", "kiln", "secrets");
    expect(readFileSync(join(secrets, "mail-password"), "utf8")).toBe(`${PLAINTEXT.mail}\n`);
    expect(statSync(join(secrets, "mail-password")).mode & 0o7777).toBe(0o400);
    expect(readFileSync(join(secrets, "rendered", "mailrc"), "utf8")).toBe(`set password=${PLAINTEXT.mail}\n\n`);
    expect(statSync(join(secrets, "rendered", "mailrc")).mode & 0o7777).toBe(0o600);
  });

  it("rekey encrypts every file for the recipients listed now: the old host key can no longer decrypt, the new one can", () => {
    writeFileSync(join(project, "secrets", "secrets.ts"), rules("host2"));
    const run = kiln(["secrets", "rekey", "--identity", keys.admin.private]);
    expect(run.stderr).toContain("rekeyed 4 files listed in");
    expect(run.status).toBe(0);
    for (const name of ["db", "token", "alice", "mail"]) {
      const file = join(project, "secrets", `${name}.age`);
      expect(ageDecrypts(file, keys.host.private)).toBe(false);
      expect(ageDecrypts(file, keys.host2.private)).toBe(true);
      expect(readFileSync(file, "utf8")).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    }
  });

  it("edit refuses a file secrets.ts does not list, saying how to add it", () => {
    const run = editSecret("secrets/other.age", "x");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`add "other.age": { publicKeys: [...] }`);
    expect(existsSync(join(project, "secrets", "other.age"))).toBe(false);
  });
});
