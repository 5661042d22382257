/**
 * `kiln build-vm`: a small machine (one user, one `/etc` file, one systemd
 * service that writes a file and reports on the console) is built as a VM
 * of a Debian input locked from the real archive, with the real `kiln`;
 * its start script boots it under QEMU with emulation (TCG, forced, so the
 * test runs the same with or without KVM) and the serial console on a pipe.
 * The service's line shows what the guest sees (the user, the `/etc` file,
 * the file it wrote, the home's owner); then it powers the guest off, and
 * QEMU must be gone.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBubblewrap } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE, cacheDebianDownloads, debianArchiveUnavailable } from "./debian-cache.js";
import { runKiln } from "./run-kiln.js";

const bwrapWorks = findBubblewrap() !== undefined && spawnSync("bwrap", ["--ro-bind", "/", "/", "true"]).status === 0;
const skip = (await debianArchiveUnavailable()) ?? (!bwrapWorks ? "bubblewrap cannot create namespaces here (QEMU runs in the Debian package's FHS environment)" : undefined);
if (skip !== undefined) console.warn(`skipping the build-vm test: ${skip}`);

/** How long the guest may take from QEMU's start to the service's line, under emulation on a loaded machine. */
const BOOT_TIMEOUT_MS = 300_000;

/** The command lines of running processes that mention `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      if (commandLine.includes(text)) found.push(commandLine);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

describe.skipIf(skip !== undefined)("kiln build-vm", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kiln-build-vm-"));
    env = { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state"), KILN_HASHED_MIRRORS: DEBIAN_CACHE };
    writeFileSync(
      join(dir, "kiln.ts"),
      `import { debian } from "@kiln/debian";
import { defineMachine } from "@kiln/modules";
import { defaultPackageSet } from "@kiln/pkgs";

// The guest is made of this input.
await debian({ suite: "bookworm" });

export default {
  machines: {
    guest: defineMachine({
      pkgs: defaultPackageSet(),
      modules: [{
        users: { users: { alice: { isNormalUser: true, description: "Alice" } } },
        environment: { etc: { "greeting.txt": { text: "greetings from the machine's /etc\\n" } } },
        systemd: {
          services: {
            report: {
              description: "Writes a file and reports what the guest sees on the console",
              wantedBy: ["multi-user.target"],
              serviceConfig: { Type: "oneshot", StandardOutput: "tty" },
              script: [
                "mkdir -p /var/lib/report",
                "echo written-by-the-service > /var/lib/report/marker",
                'echo "REPORT etc=[$(cat /etc/greeting.txt)] user=[$(id alice)] home=[$(stat -c %U:%a /home/alice)] marker=[$(cat /var/lib/report/marker)]"',
                "systemctl --no-block poweroff",
              ].join("\\n"),
            },
          },
        },
      }],
    }),
  },
};
`,
    );
  });
  afterAll(() => {
    cacheDebianDownloads(join(dir, "store"));
    rmSync(dir, { recursive: true, force: true });
    // The store holds the unpacked kernel (400 MB of modules) and two Debian closures.
  }, 180_000);

  it("builds a VM whose guest runs the machine's service, sees its user and /etc file, and powers off under emulation", async () => {
    const build = runKiln(["build-vm", "./kiln.ts#guest"], dir, env);
    expect(build.stderr).not.toMatch(/^error/m);
    expect(build.status).toBe(0);
    const script = build.stdout.trim();
    expect(script).toBe(join(dir, "result/bin/run-guest-vm"));
    const initrd = join(realpathSync(join(dir, "result")), "initrd");
    expect(existsSync(initrd)).toBe(true);

    const qemu = spawn(script, [], { cwd: dir, env: { ...process.env, KILN_VM_ACCEL: "tcg" }, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    qemu.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("latin1")));
    qemu.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("latin1")));
    const exited = new Promise<number | null>((done) => qemu.on("exit", (code) => done(code)));
    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code));
    try {
      const started = Date.now();
      let commandLines: string[] = [];
      while (!/REPORT .*\n/.test(output) && exitCode === undefined && Date.now() - started < BOOT_TIMEOUT_MS) {
        if (commandLines.length === 0) commandLines = processesMentioning(initrd).filter((line) => line.includes("qemu-system-x86_64"));
        await new Promise((done) => setTimeout(done, 500));
      }
      const report = /REPORT (.*)\r?\n/.exec(output)?.[1];
      expect(report, `no report on the console within ${BOOT_TIMEOUT_MS / 1000} s; the console said:\n${output.slice(-4000)}`).toBeDefined();
      // The serial console carried the kernel's messages too, and QEMU ran with emulation.
      expect(output).toMatch(/Linux version \S+-amd64/);
      // Unit files keep their names in the store, so systemd reads none of them as an alias of a store file name.
      expect(output).not.toMatch(/-unit-[\w.@-]+\.(service|timer)/);
      expect(commandLines.some((line) => line.includes("accel=tcg"))).toBe(true);
      expect(report).toContain("etc=[greetings from the machine's /etc]");
      expect(report).toMatch(/user=\[uid=1000\(alice\) gid=\d+\(\w+\) groups=/);
      expect(report).toContain("home=[alice:700]");
      expect(report).toContain("marker=[written-by-the-service]");
      // The service powers the guest off, and QEMU exits with it.
      const code = await Promise.race([exited, new Promise<"running">((done) => setTimeout(() => done("running"), 120_000))]);
      expect(code, `QEMU still runs 2 minutes after the report; the console said:\n${output.slice(-2000)}`).toBe(0);
    } finally {
      if (exitCode === undefined && qemu.pid !== undefined) {
        try {
          process.kill(-qemu.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
        await exited;
      }
    }
    expect(processesMentioning(initrd).filter((line) => line.includes("qemu"))).toEqual([]);
  }, 420_000);
});

describe("kiln build-vm without a Debian input", () => {
  it("fails before building anything, saying that the guest is made of the project's locked Debian input and how to add one", () => {
    const dir = mkdtempSync(join(tmpdir(), "kiln-build-vm-no-input-"));
    try {
      writeFileSync(
        join(dir, "kiln.ts"),
        `import { defineMachine } from "@kiln/modules";
import { defaultPackageSet } from "@kiln/pkgs";
export default { machines: { web: defineMachine({ pkgs: defaultPackageSet(), modules: [{ networking: { hostName: "web" } }] }) } };
`,
      );
      const run = runKiln(["build-vm", "--machine", "web"], dir, { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state") });
      expect(run.stderr).toContain(`'${join(dir, "kiln.lock")}' locks no Debian input, and the VM's guest is a Debian system of the project's input`);
      expect(run.stderr).toContain('await debian({ suite: "bookworm" })');
      expect(run.status).not.toBe(0);
      expect(existsSync(join(dir, "result"))).toBe(false);
      expect(existsSync(join(dir, "store"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
