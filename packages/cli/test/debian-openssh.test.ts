/**
 * `services.openssh` with Debian's `openssh-server`: a machine is built with
 * the real `kiln`, and its unit's commands are run as systemd would run them
 * (its `RuntimeDirectory`, `/run/sshd`, made first), in a private mount
 * namespace whose `/run`, `/var/lib` and `/etc/passwd` are the test's own, so
 * the host's are left alone. `ExecStartPre` generates the host keys in
 * `/var/lib/ssh` with the closure's `ssh-keygen` and checks the Kiln-written
 * configuration (read by store path: the environment's `/etc` is the
 * closure's) with `sshd -t`; `ExecStart` answers on the port with Debian's
 * banner, and Debian's `ssh-keyscan` gets the generated host key back. A
 * second start keeps the keys.
 *
 * In the same store (so the closure is built once), the system accounts of
 * the Debian packages a machine uses: `openssh-server`'s `postinst` makes the
 * `sshd` user with `adduser --system` (read from the script, never run), and
 * `gamemode-daemon` declares its `gamemode` group in
 * `/usr/lib/sysusers.d/gamemode.conf`. A machine with both in
 * `environment.systemPackages`, switched into a `--root` with a
 * distribution's accounts, gets those accounts; one that runs
 * `services.openssh`, which declares `users.users.sshd` itself, keeps that
 * declaration.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findBubblewrap } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE, cacheDebianDownloads, debianArchiveUnavailable } from "./debian-cache.js";
import { runKiln } from "./run-kiln.js";
import { freePort, unitValue } from "./unit-run.js";

const bwrapWorks = findBubblewrap() !== undefined && spawnSync("bwrap", ["--ro-bind", "/", "/", "true"]).status === 0;
const asRoot = process.getuid?.() === 0;
const unavailable = await debianArchiveUnavailable();
const skip = unavailable ?? (!bwrapWorks ? "bubblewrap cannot create namespaces here" : !asRoot ? "sshd runs as root (it changes to its privilege separation user)" : undefined);
if (skip !== undefined) console.warn(`skipping the Debian OpenSSH service test: ${skip}`);

/** The first line a server sends on `port`, or `undefined` when nothing listens. */
async function banner(port: number): Promise<string | undefined> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) {
        socket.destroy();
        done(text.slice(0, text.indexOf("\n")).trimEnd());
      }
    });
    socket.on("error", () => done(undefined));
    socket.on("close", () => done(text === "" ? undefined : text));
  });
}

/** The project both parts use, with one store: written on first use, removed (its downloads cached) at the end. */
const project = { dir: "", env: {} as NodeJS.ProcessEnv, port: 0 };
async function useProject(): Promise<typeof project> {
  if (project.dir !== "") return project;
  project.dir = mkdtempSync(join(tmpdir(), "kiln-debian-openssh-"));
  project.env = { KILN_STORE_DIR: join(project.dir, "store"), KILN_STATE_DIR: join(project.dir, "state"), KILN_HASHED_MIRRORS: DEBIAN_CACHE };
  project.port = await freePort();
  writeFileSync(
    join(project.dir, "kiln.ts"),
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
      "    ssh: defineMachine({",
      "      pkgs,",
      "      modules: [{",
      '        networking: { hostName: "ssh" },',
      "        environment: { systemPackages: packages },",
      "        services: {",
      "          openssh: {",
      "            enable: true,",
      '            package: deb.package("openssh-server"),',
      `            ports: [${project.port}],`,
      '            settings: { ListenAddress: "127.0.0.1", PasswordAuthentication: false, PermitRootLogin: "no" },',
      "          },",
      "        },",
      "      }],",
      "    }),",
      '    plain: defineMachine({ pkgs, modules: [{ networking: { hostName: "box" }, environment: { systemPackages: packages } }] }),',
      "  },",
      "};",
      "",
    ].join("\n"),
  );
  return project;
}
afterAll(() => {
  if (project.dir === "") return;
  cacheDebianDownloads(join(project.dir, "store"));
  rmSync(project.dir, { recursive: true, force: true });
});

describe.skipIf(skip !== undefined)("services.openssh running Debian's sshd from the store", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let unit: string;
  let varLib: string;
  let passwd: string;
  let group: string;

  /**
   * A shell command that runs `command` as systemd runs the sshd unit
   * (`RuntimeDirectory=sshd` made first), in a mount namespace whose `/run`
   * is empty, whose `/var/lib` is the test's directory, and whose
   * `/etc/passwd` and `/etc/group` have the `sshd` user the machine declares.
   */
  const asService = (command: string): string[] => [
    "bwrap", "--dev-bind", "/", "/", "--tmpfs", "/run", "--bind", varLib, "/var/lib", "--ro-bind", passwd, "/etc/passwd", "--ro-bind", group, "/etc/group",
    "--cap-add", "ALL", "--die-with-parent", "--", "/bin/sh", "-c", `mkdir -m 0755 /run/sshd && ${command}`,
  ];

  beforeAll(async () => {
    ({ dir, env, port } = await useProject());
    varLib = join(dir, "var-lib");
    mkdirSync(varLib);
    // The host's accounts, and the sshd user and group activation would make (ids the host does not use).
    passwd = join(dir, "passwd");
    group = join(dir, "group");
    const hostPasswd = readFileSync("/etc/passwd", "utf8");
    const hostGroup = readFileSync("/etc/group", "utf8");
    writeFileSync(passwd, /^sshd:/m.test(hostPasswd) ? hostPasswd : `${hostPasswd.trimEnd()}\nsshd:x:64999:64999:SSH privilege separation user:/run/sshd:/usr/sbin/nologin\n`);
    writeFileSync(group, /^sshd:/m.test(hostGroup) ? hostGroup : `${hostGroup.trimEnd()}\nsshd:x:64999:\n`);
    const build = runKiln(["build", "./kiln.ts#machines.ssh", "--out-link", join(dir, "system")], dir, env);
    expect(build.stderr).not.toMatch(/^error/m);
    expect(build.status).toBe(0);
    unit = readFileSync(join(dir, "system/etc/systemd/system/sshd.service"), "utf8");
  }, 300_000);

  it("names the configuration by its store path, with Debian's sftp-server and host keys in /var/lib/ssh", () => {
    const execStart = unitValue(unit, "ExecStart");
    expect(execStart).toMatch(/-openssh-server-[^/]+\/bin\/sshd -D -f \S+-sshd_config$/);
    const config = readFileSync(execStart.split(" ").at(-1) as string, "utf8");
    expect(config.split("\n")).toEqual(
      expect.arrayContaining([`Port ${port}`, "HostKey /var/lib/ssh/ssh_host_rsa_key", "HostKey /var/lib/ssh/ssh_host_ed25519_key", "Subsystem sftp /usr/lib/openssh/sftp-server", "ListenAddress 127.0.0.1"]),
    );
    expect(readFileSync(join(dir, "system/etc/ssh/sshd_config"), "utf8")).toBe(config);
  });

  it("generates the host keys with ExecStartPre, checks the config, answers with Debian's banner and serves the generated key; a second start keeps the keys", async () => {
    const preStart = unitValue(unit, "ExecStartPre");
    const execStart = unitValue(unit, "ExecStart");
    const [bwrap, ...args] = asService(`${preStart} && exec ${execStart} -e`);
    const service = spawn(bwrap as string, args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    service.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<void>((done) => service.on("exit", () => done()));
    const publicKey = join(varLib, "ssh/ssh_host_ed25519_key.pub");
    try {
      let greeting: string | undefined;
      for (let attempt = 0; attempt < 300 && greeting === undefined; attempt++) {
        await new Promise((done) => setTimeout(done, 100));
        greeting = await banner(port);
      }
      expect([greeting, log]).toEqual([expect.stringMatching(/^SSH-2\.0-OpenSSH_9\.\dp\d Debian-/), log]);
      expect(log).toMatch(/Server listening on 127\.0\.0\.1 port/);
      // The private keys are the service's alone, as sshd insists.
      expect(statSync(join(varLib, "ssh/ssh_host_ed25519_key")).mode & 0o077).toBe(0);
      // Debian's ssh-keyscan, run in the package's environment, gets the key ExecStartPre generated.
      const runner = join(dirname(dirname(execStart.split(" ")[0] as string)), "libexec/kiln-fhs-run");
      const scan = spawnSync(runner, ["/usr/bin/ssh-keyscan", "-t", "ed25519", "-p", String(port), "127.0.0.1"], { encoding: "utf8" });
      const [type, key] = readFileSync(publicKey, "utf8").trim().split(" ");
      expect(scan.stdout).toBe(`[127.0.0.1]:${port} ${type} ${key}\n`);
    } finally {
      process.kill(-(service.pid as number), "SIGTERM");
      await exited;
    }
    // bwrap exits on SIGTERM at once; sshd, which got it too, closes its listener a moment later.
    let after: string | undefined = await banner(port);
    for (let attempt = 0; attempt < 100 && after !== undefined; attempt++) {
      await new Promise((done) => setTimeout(done, 100));
      after = await banner(port);
    }
    expect(after).toBeUndefined();
    // Started again: ExecStartPre finds the keys and leaves them.
    const before = readFileSync(publicKey, "utf8");
    const [again, ...againArgs] = asService(preStart);
    const second = spawnSync(again as string, againArgs, { encoding: "utf8" });
    expect([second.status, second.stderr]).toEqual([0, ""]);
    expect(readFileSync(publicKey, "utf8")).toBe(before);
  }, 300_000);
});

describe.skipIf(unavailable !== undefined)("system accounts of the Debian packages a machine uses", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let root: string;

  beforeAll(async () => {
    ({ dir, env } = await useProject());
    // A root with a distribution's accounts (nogroup is where adduser --system puts a user without a group of its own).
    root = join(dir, "root");
    mkdirSync(join(root, "etc"), { recursive: true });
    writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    writeFileSync(join(root, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
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

  it("keeps the machine's own declaration of an account a package also declares (services.openssh declares sshd)", () => {
    const result = runKiln(["switch", "--machine", "ssh", "--root", root], dir, env);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.status).toBe(0);
    const gid = /^sshd:x:(\d+):$/m.exec(readFileSync(join(root, "etc/group"), "utf8"))?.[1];
    expect(gid).toBeDefined();
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toMatch(new RegExp(`^sshd:x:\\d+:${gid}:SSH privilege separation user:/var/empty:/usr/sbin/nologin$`, "m"));
    expect(readFileSync(join(root, "etc/group"), "utf8")).toMatch(/^gamemode:x:\d+:$/m);
  }, 300_000);
});
