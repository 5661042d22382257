/**
 * The system users and groups of Debian packages a machine uses, against
 * the real archive: `openssh-server`'s `postinst` makes the `sshd` user
 * with `adduser --system` (read from the script, never run), and
 * `gamemode-daemon` declares its `gamemode` group in
 * `/usr/lib/sysusers.d/gamemode.conf`. A machine with both in
 * `environment.systemPackages`, switched into a `--root` with a
 * distribution's accounts, gets those accounts; a machine that declares
 * `users.users.sshd` itself keeps its own declaration.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE, cacheDebianDownloads, debianArchiveUnavailable } from "./debian-cache.js";
import { runKiln } from "./run-kiln.js";

const skip = await debianArchiveUnavailable();
if (skip !== undefined) console.warn(`skipping the Debian package accounts test: the archive is unreachable (${skip})`);

describe.skipIf(skip !== undefined)("system accounts of the Debian packages a machine uses", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let root: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-accounts-"));
    env = { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state"), KILN_HASHED_MIRRORS: DEBIAN_CACHE };
    writeFileSync(
      join(dir, "kiln.ts"),
      [
        'import { debian } from "@kiln/debian";',
        'import { defineMachine } from "@kiln/modules";',
        'import { defaultPackageSet } from "@kiln/pkgs";',
        "",
        "const pkgs = defaultPackageSet();",
        'const deb = await debian({ suite: "bookworm", essential: false });',
        'const packages = [deb.package("openssh-server"), deb.package("gamemode-daemon")];',
        "",
        "export default {",
        "  machines: {",
        '    plain: defineMachine({ pkgs, modules: [{ networking: { hostName: "box" }, environment: { systemPackages: packages } }] }),',
        "    declared: defineMachine({",
        "      pkgs,",
        "      modules: [{",
        '        networking: { hostName: "box" },',
        "        environment: { systemPackages: packages },",
        '        users: { users: { sshd: { isSystemUser: true, group: "sshd", description: "declared", home: "/var/empty" } }, groups: { sshd: {} } },',
        "      }],",
        "    }),",
        "  },",
        "};",
        "",
      ].join("\n"),
    );
    // A root with a distribution's accounts (nogroup is where adduser --system puts a user without a group of its own).
    root = join(dir, "root");
    mkdirSync(join(root, "etc"), { recursive: true });
    writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    writeFileSync(join(root, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
  });
  afterAll(() => {
    cacheDebianDownloads(join(dir, "store"));
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes the accounts the packages' maintainer scripts and sysusers.d files declare, when the machine declares none of them", () => {
    const result = runKiln(["switch", "--machine", "plain", "--root", root], dir, env);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.status).toBe(0);
    const system = realpathSync(join(root, "var/lib/kiln/profiles/system"));
    // What the packages declare, as the environment builder gathered it into each package's lib/sysusers.d.
    const declared = readdirSync(join(system, "sw/lib/sysusers.d")).map((name) => readFileSync(join(system, "sw/lib/sysusers.d", name), "utf8")).join("");
    expect(declared).toMatch(/^u sshd -:nogroup - \/run\/sshd \/usr\/sbin\/nologin$/m);
    expect(declared).toMatch(/^g gamemode - -$/m);
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toMatch(/^sshd:x:\d+:65534::\/run\/sshd:\/usr\/sbin\/nologin$/m);
    expect(readFileSync(join(root, "etc/group"), "utf8")).toMatch(/^gamemode:x:\d+:$/m);
  }, 300_000);

  it("keeps the machine's own declaration of an account a package also declares", () => {
    const result = runKiln(["switch", "--machine", "declared", "--root", root], dir, env);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.status).toBe(0);
    const passwd = readFileSync(join(root, "etc/passwd"), "utf8");
    const gid = /^sshd:x:(\d+):$/m.exec(readFileSync(join(root, "etc/group"), "utf8"))?.[1];
    expect(gid).toBeDefined();
    expect(passwd).toMatch(new RegExp(`^sshd:x:\\d+:${gid}:declared:/var/empty:/usr/sbin/nologin$`, "m"));
    expect(readFileSync(join(root, "etc/group"), "utf8")).toMatch(/^gamemode:x:\d+:$/m);
  }, 300_000);
});
