/** `kiln switch`, `rollback`, `generations` and `diff` as a user calls them, on tiny machines in a temporary store and root. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const fixtures = fileURLToPath(new URL("./fixtures/switch/", import.meta.url));
const hostile = fileURLToPath(new URL("./fixtures/switch-hostile/", import.meta.url));
let work = "";
let env: NodeJS.ProcessEnv = {};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-switch-"));
  env = { KILN_STORE_DIR: join(work, "store", "store") };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const kiln = (...args: string[]) => runKiln(args, fixtures, env);

describe("kiln switch", () => {
  it("asks which machine when the project declares several, naming them", () => {
    const result = kiln("switch", "--root", join(work, "r0"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("declares several machines (alpha, beta): choose one with --machine NAME");
  });

  it("names the machines that exist when asked for another", () => {
    const result = kiln("switch", "--machine", "gamma", "--root", join(work, "r0"));
    expect(result.stderr).toContain("has no machine 'gamma'; it declares alpha, beta");
  });

  it("says how to declare homes when a project has none", () => {
    const result = kiln("switch", "--home", "alice", "--root", join(work, "r0"));
    expect(result.stderr).toMatch(/declares no homes: its default export needs 'homes: \{ NAME: defineHome\(\{ … \}\) \}'/);
  });

  it("--test activates without a generation, and a later switch makes generation 1", () => {
    const root = join(work, "r1");
    expect(kiln("switch", "--machine", "alpha", "--root", root, "--test").status).toBe(0);
    expect(readFileSync(join(root, "etc", "motd"), "utf8")).toBe("alpha\n");
    expect(kiln("generations", "--root", root).stderr).toContain("has no generations yet");
    expect(kiln("switch", "--machine", "beta", "--root", root).stderr).toContain("generation 1 of");
    expect(readFileSync(join(root, "etc", "motd"), "utf8")).toBe("beta\n");
  });

  it("rollback goes to the previous generation, --to to any, and diff compares two", () => {
    const root = join(work, "r2");
    kiln("switch", "--machine", "alpha", "--root", root);
    kiln("switch", "--machine", "beta", "--root", root);
    expect(kiln("diff", "--root", root).stdout).toMatch(/^generation 1 → 2\nclosure size: .*\n\/etc:\n  changed  hostname\n/);
    expect(kiln("rollback", "--root", root).status).toBe(0);
    expect(readFileSync(join(root, "etc", "motd"), "utf8")).toBe("alpha\n");
    expect(kiln("rollback", "--root", root).stderr).toContain("generation 1 is the oldest generation");
    expect(kiln("rollback", "--root", root, "--to", "2").status).toBe(0);
    expect(readlinkSync(join(root, "var", "lib", "kiln", "profiles", "system"))).toBe("system-2-link");
    expect(kiln("rollback", "--root", root, "--to", "7").stderr).toContain("generation 7 of");
  });

  it("refuses a dry-run realiser, which would activate nothing built", () => {
    expect(kiln("switch", "--machine", "alpha", "--realiser", "dry-run").stderr).toContain("use --dry to see what would change");
  });

  it("stops before any change when a line of the root's passwd or group is malformed, naming the file and line", () => {
    const root = join(work, "r3");
    mkdirSync(join(root, "etc"), { recursive: true });
    const passwd = "root:x:0:0:root:/root:/bin/sh\nbroken:x:1\n";
    writeFileSync(join(root, "etc", "passwd"), passwd);
    writeFileSync(join(root, "etc", "group"), "root:x:0:\nusers:x:100:\nusers:x:101:\n");
    const short = kiln("switch", "--machine", "alpha", "--root", root);
    expect(short.status).toBe(1);
    expect(short.stderr).toContain(`${root}/etc/passwd:2: a passwd line has 7 fields separated by ':'`);
    expect(existsSync(join(root, "etc", "motd"))).toBe(false);
    expect(existsSync(join(root, "var"))).toBe(false);
    writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    const twice = kiln("switch", "--machine", "alpha", "--root", root);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toContain(`${root}/etc/group:3: 'users' is there twice (line 2 and line 3)`);
    expect(existsSync(join(root, "etc", "motd"))).toBe(false);
    expect(readFileSync(join(root, "etc", "passwd"), "utf8")).toBe("root:x:0:0:root:/root:/bin/sh\n");
  });

  it.each([
    ["a home with '..' would create a directory outside the root", "escape", /home/],
    ["a description with ':' would add passwd fields", "colon", /description/],
    ["a shell with ':' would add a passwd field", "shell", /shell/],
    ["a group member with ',' would add root to the group", "member", /members/],
  ])("refuses a machine where %s, changing nothing", (_label, machine, field) => {
    const root = join(work, `hostile-${machine}`);
    mkdirSync(join(root, "etc"), { recursive: true });
    writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    writeFileSync(join(root, "etc", "group"), "root:x:0:\nusers:x:100:\nwheel:x:10:\n");
    rmSync("/tmp/kiln-escaped-home", { recursive: true, force: true });
    const result = runKiln(["switch", "--machine", machine, "--root", root], hostile, env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(field);
    expect(existsSync("/tmp/kiln-escaped-home")).toBe(false);
    expect(existsSync(join(root, "etc", "motd"))).toBe(false);
    expect(readFileSync(join(root, "etc", "passwd"), "utf8")).toBe("root:x:0:0:root:/root:/bin/sh\n");
    expect(readFileSync(join(root, "etc", "group"), "utf8")).toBe("root:x:0:\nusers:x:100:\nwheel:x:10:\n");
  });
});
