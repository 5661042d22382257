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
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findBubblewrap } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE, cacheDebianDownloads, debianArchiveUnavailable } from "./debian-cache.js";
import { runKiln } from "./run-kiln.js";

const bwrapWorks = findBubblewrap() !== undefined && spawnSync("bwrap", ["--ro-bind", "/", "/", "true"]).status === 0;
const asRoot = process.getuid?.() === 0;
const skip = (await debianArchiveUnavailable()) ?? (!bwrapWorks ? "bubblewrap cannot create namespaces here" : !asRoot ? "sshd runs as root (it changes to its privilege separation user)" : undefined);
if (skip !== undefined) console.warn(`skipping the Debian OpenSSH service test: ${skip}`);

/** A TCP port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** `Key=value` of a unit's text (the first). */
function unitValue(unit: string, key: string): string {
  const value = new RegExp(`^${key}=(.*)$`, "m").exec(unit)?.[1];
  if (value === undefined) throw new Error(`the unit has no ${key}:\n${unit}`);
  return value;
}

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
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-openssh-"));
    env = { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state"), KILN_HASHED_MIRRORS: DEBIAN_CACHE };
    port = await freePort();
    varLib = join(dir, "var-lib");
    mkdirSync(varLib);
    // The host's accounts, and the sshd user and group activation would make (ids the host does not use).
    passwd = join(dir, "passwd");
    group = join(dir, "group");
    const hostPasswd = readFileSync("/etc/passwd", "utf8");
    const hostGroup = readFileSync("/etc/group", "utf8");
    writeFileSync(passwd, /^sshd:/m.test(hostPasswd) ? hostPasswd : `${hostPasswd.trimEnd()}\nsshd:x:64999:64999:SSH privilege separation user:/run/sshd:/usr/sbin/nologin\n`);
    writeFileSync(group, /^sshd:/m.test(hostGroup) ? hostGroup : `${hostGroup.trimEnd()}\nsshd:x:64999:\n`);
    writeFileSync(
      join(dir, "kiln.ts"),
      [
        'import { debian } from "@kiln/debian";',
        'import { defineMachine } from "@kiln/modules";',
        'import { defaultPackageSet } from "@kiln/pkgs";',
        "",
        'const deb = await debian({ suite: "bookworm", essential: false });',
        "",
        "export default {",
        "  machines: {",
        "    ssh: defineMachine({",
        "      pkgs: defaultPackageSet(),",
        "      modules: [{",
        '        networking: { hostName: "ssh" },',
        "        services: {",
        "          openssh: {",
        "            enable: true,",
        '            package: deb.package("openssh-server"),',
        `            ports: [${port}],`,
        '            settings: { ListenAddress: "127.0.0.1", PasswordAuthentication: false, PermitRootLogin: "no" },',
        "          },",
        "        },",
        "      }],",
        "    }),",
        "  },",
        "};",
        "",
      ].join("\n"),
    );
    const build = runKiln(["build", "./kiln.ts#machines.ssh", "--out-link", join(dir, "system")], dir, env);
    expect(build.stderr).not.toMatch(/^error/m);
    expect(build.status).toBe(0);
    unit = readFileSync(join(dir, "system/etc/systemd/system/sshd.service"), "utf8");
  }, 300_000);
  afterAll(() => {
    cacheDebianDownloads(join(dir, "store"));
    rmSync(dir, { recursive: true, force: true });
  });

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
    expect(await banner(port)).toBeUndefined();
    // Started again: ExecStartPre finds the keys and leaves them.
    const before = readFileSync(publicKey, "utf8");
    const [again, ...againArgs] = asService(preStart);
    const second = spawnSync(again as string, againArgs, { encoding: "utf8" });
    expect([second.status, second.stderr]).toEqual([0, ""]);
    expect(readFileSync(publicKey, "utf8")).toBe(before);
  }, 300_000);
});
