/**
 * What a builder cannot do to the host or to registered outputs, with and
 * without the sandbox, and the build time limits: each through the real CLI,
 * a real store and real processes.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBubblewrap, findSlirp4netns } from "@kiln/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runKiln, runKilnAsync } from "./run-kiln.js";

let root = "";
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-hardening-"));
  // The builders here use the host's tools (sleep, ln, python3): the sandbox shows them only when asked to.
  env = { KILN_STORE_DIR: join(root, "store"), KILN_SANDBOX_PATHS: "host" };
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

const hasBubblewrap = findBubblewrap() !== undefined;
/** Whether fixed-output builds get networks of their own here: bwrap, slirp4netns and a tun device. */
const privateNetworks = hasBubblewrap && findSlirp4netns() !== undefined && existsSync("/dev/net/tun");

/** Writes a config whose default export is `body` (TypeScript), with `sh()` to make shell derivations. */
function config(body: string): void {
  writeFileSync(
    join(root, "kiln.ts"),
    `import { derivation, type Derivation } from "@kiln/core";
const sh = (name: string, script: string, extra: Record<string, string> = {}): Derivation =>
  derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin", ...extra });
${body}
`,
  );
}

function verify(): void {
  const run = runKiln(["store", "verify", "--check-contents"], root, env);
  expect(run.stderr).toContain("all good");
  expect(run.status).toBe(0);
}

/** Whether `pid` is a live process (not gone, not a zombie waiting for a parent that never reaps). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("without the sandbox", () => {
  it("a hard link to a host file is copied into the output: the host file keeps its mode, time and contents", () => {
    const victim = join(root, "victim");
    writeFileSync(victim, "host file\n", { mode: 0o644 });
    utimesSync(victim, 1_700_000_000, 1_700_000_000);
    config(`export default sh("hardlink", 'mkdir "$out"; ln ${victim} "$out/hl"; echo own > "$out/f"');`);
    const run = runKiln(["build", "kiln.ts", "--no-sandbox", "--no-link"], root, env);
    expect(run.stderr).not.toContain("error");
    expect(run.status).toBe(0);
    const out = run.stdout.trim();
    const host = statSync(victim);
    expect(host.mode & 0o7777).toBe(0o644);
    expect(host.mtimeMs).toBe(1_700_000_000_000);
    expect(host.nlink).toBe(1);
    expect(readFileSync(victim, "utf8")).toBe("host file\n");
    const copy = lstatSync(join(out, "hl"));
    expect([copy.nlink, copy.mode & 0o7777, copy.mtimeMs]).toEqual([1, 0o444, 1000]);
    expect(readFileSync(join(out, "hl"), "utf8")).toBe("host file\n");
    verify();
  });

  it("processes the builder leaves behind, in its group or escaped with setsid, are killed before the output is registered", async () => {
    const group = join(root, "bg-group");
    const escaped = join(root, "bg-setsid");
    config(
      `export default sh("background", [
  'mkdir "$out"; echo good > "$out/f"',
  '( sleep 1; chmod u+w "$out/f"; echo evil > "$out/f"; touch ${group} ) >/dev/null 2>&1 &',
  "setsid sh -c 'sleep 1; chmod u+w \\"$out/f\\"; echo evil > \\"$out/f\\"; touch ${escaped}' >/dev/null 2>&1 &",
].join("\\n"));`,
    );
    const run = runKiln(["build", "kiln.ts", "--no-sandbox", "--no-link"], root, env);
    expect(run.stderr).not.toContain("error");
    expect(run.status).toBe(0);
    const out = run.stdout.trim();
    await sleep(2_000);
    expect(existsSync(group)).toBe(false);
    expect(existsSync(escaped)).toBe(false);
    expect(readFileSync(join(out, "f"), "utf8")).toBe("good\n");
    verify();
  });

  it("with bwrap missing, Kiln builds, warns once naming the risk and the fix, and --sandbox refuses to build", () => {
    config(`const a = sh("first", 'echo a > "$out"');
export default sh("second", \`cat ${"${a}"} > "$out"\`);`);
    const noBwrap = { ...env, PATH: join(root, "empty-path") };
    const refused = runKiln(["build", "kiln.ts", "--sandbox", "--no-link"], root, noBwrap);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("bubblewrap (bwrap) is not installed");
    expect(refused.stderr).toContain("apt-get install bubblewrap");
    expect(existsSync(join(root, "store")) ? readdirSync(join(root, "store")).filter((name) => name.endsWith("-second")) : []).toEqual([]);
    const run = runKiln(["build", "kiln.ts", "--no-link"], root, noBwrap);
    expect(run.status).toBe(0);
    const warnings = run.stderr.split("\n").filter((line) => line.includes("without a sandbox"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("a builder can read and change anything your user can");
    expect(warnings[0]).toContain("apt-get install bubblewrap");
    expect(readFileSync(run.stdout.trim(), "utf8")).toBe("a\n");
  });
});

describe("build time limits", () => {
  it("--timeout kills a build that runs too long and fails it as Nix does", () => {
    const pidFile = join(root, "sleeper.pid");
    config(`export default sh("slow", 'sleep 30 & echo $! > ${pidFile}; wait; echo > "$out"');`);
    const run = runKiln(["build", "kiln.ts", "--no-sandbox", "--timeout", "1"], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/error: building of '[^']+-slow\.drv' timed out after 1 seconds\n/);
    expect(isRunning(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });

  it.skipIf(!hasBubblewrap)("--max-silent-time kills a sandboxed build that stops writing to its log, and spares one that keeps talking", () => {
    config(`export default {
  quiet: sh("quiet", 'echo started; sleep 30; echo > "$out"'),
  chatty: sh("chatty", 'for i in 1 2 3 4; do echo tick; sleep 0.4; done; echo > "$out"'),
};`);
    const quiet = runKiln(["build", "kiln.ts#quiet", "--sandbox", "--max-silent-time", "1"], root, env);
    expect(quiet.status).toBe(1);
    expect(quiet.stderr).toMatch(/error: building of '[^']+-quiet\.drv' timed out after 1 seconds of silence\n/);
    const chatty = runKiln(["build", "kiln.ts#chatty", "--sandbox", "--max-silent-time", "1", "--no-link"], root, env);
    expect(chatty.stderr).not.toContain("error");
    expect(chatty.status).toBe(0);
  });

  it("refuses a time limit that is not a positive whole number", () => {
    config(`export default sh("any", 'echo > "$out"');`);
    const run = runKiln(["build", "kiln.ts", "--timeout", "1.5"], root, env);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("--timeout needs a positive whole number of seconds, not '1.5'");
  });
});

describe("build directories", () => {
  it("are mode 0700 under the store's state directory, not in /tmp", () => {
    config(`export default sh("dirs", 'top=$NIX_BUILD_TOP; stat -c "%a %n" "$top" "$(dirname "$top")" "$(dirname "$(dirname "$top")")" > "$out"');`);
    const run = runKiln(["build", "kiln.ts", "--no-sandbox", "--no-link"], root, env);
    expect(run.status).toBe(0);
    const lines = readFileSync(run.stdout.trim(), "utf8").trim().split("\n");
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const [mode, path = ""] = line.split(" ");
      expect(mode, path).toBe("700");
      expect(path.startsWith(`${root}/`), path).toBe(true);
    }
  });
});

describe("symlinks the builder plants", () => {
  it.each([["--no-sandbox"], ...(hasBubblewrap ? [["--sandbox"]] : [])])("are never followed after the build (%s): nothing outside is written or chmod'ed", (mode) => {
    const outsideDir = join(root, "outside");
    mkdirSync(outsideDir, { mode: 0o755 });
    const outsideFile = join(outsideDir, "file");
    writeFileSync(outsideFile, "outside\n", { mode: 0o644 });
    utimesSync(outsideFile, 1_700_000_000, 1_700_000_000);
    utimesSync(outsideDir, 1_700_000_000, 1_700_000_000);
    // Links in the output (to a file, to a directory, and the output's subdirectory itself), in the build directory, and where temporary copies might go.
    const script = [
      'mkdir -p "$out/sub"',
      `ln -s ${outsideFile} "$out/file-link"`,
      `ln -s ${outsideDir} "$out/dir-link"`,
      `ln -s ${outsideDir} "$out/sub/inner"`,
      `ln -s ${outsideDir} "$NIX_BUILD_TOP/planted"`,
      `ln -s ${outsideFile} "$NIX_BUILD_TOP/planted-file"`,
      'for name in outputs out copy tmp store; do ln -s ' + outsideDir + ' "$(dirname "$NIX_BUILD_TOP")/$name" 2>/dev/null; done',
      'chmod 0755 "$out"',
    ].join("; ");
    config(`export default sh("planted", ${JSON.stringify(script)});`);
    const run = runKiln(["build", "kiln.ts", mode, "--no-link"], root, env);
    expect(run.stderr).not.toContain("error");
    expect(run.status).toBe(0);
    const out = run.stdout.trim();
    expect(readdirSync(outsideDir)).toEqual(["file"]);
    expect(readFileSync(outsideFile, "utf8")).toBe("outside\n");
    for (const path of [outsideFile, outsideDir]) {
      const stats = statSync(path);
      expect(stats.mtimeMs, path).toBe(1_700_000_000_000);
      expect(stats.mode & 0o7777, path).toBe(path === outsideFile ? 0o644 : 0o755);
    }
    expect(readlinkSync(join(out, "file-link"))).toBe(outsideFile);
    expect(readlinkSync(join(out, "sub", "inner"))).toBe(outsideDir);
    verify();
  });
});

/** A fixed-output derivation run by python3 (for fd passing), producing `contents`. */
function pythonFixedOutput(name: string, script: string, contents: string): string {
  const hash = createHash("sha256").update(contents).digest("hex");
  return `derivation({ name: ${JSON.stringify(name)}, system: "x86_64-linux", builder: "/usr/bin/python3", args: ["-c", ${JSON.stringify(script)}], PATH: "/usr/bin:/bin", outputHashMode: "flat", outputHashAlgo: "sha256", outputHash: "${hash}" })`;
}

describe("a fixed-output output handed to another build (CVE-2024-27297)", () => {
  it.skipIf(!existsSync("/usr/bin/python3"))("cannot be rewritten through the file descriptor after it was registered", async () => {
    const socket = `kiln-fd-${randomBytes(6).toString("hex")}`;
    // A keeps its output open for writing and hands the descriptor over an abstract socket.
    const giver = [
      "import os, socket",
      `fd = os.open(os.environ["out"], os.O_RDWR | os.O_CREAT, 0o644); os.write(fd, b"good\\n")`,
      "s = socket.socket(socket.AF_UNIX); s.bind('\\0" + socket + "'); s.listen(1); s.settimeout(4)",
      "try:",
      "    c, _ = s.accept(); socket.send_fds(c, [b'x'], [fd]); c.recv(1)",
      "except OSError as e:",
      "    print('nobody took the descriptor:', e)",
    ].join("\n");
    // B takes it, waits until A is registered, then writes through it.
    const taker = [
      "import os, socket, time",
      "fd = None",
      "for attempt in range(30):",
      "    try:",
      "        s = socket.socket(socket.AF_UNIX); s.connect('\\0" + socket + "'); _, fds, _, _ = socket.recv_fds(s, 1, 1); fd = fds[0]; s.send(b'k'); break",
      "    except OSError:",
      "        time.sleep(0.1)",
      "print('got the descriptor' if fd is not None else 'no descriptor')",
      "if fd is not None:",
      "    time.sleep(3); os.pwrite(fd, b'evil\\n', 0)",
      "open(os.environ['out'], 'w').write('b\\n')",
    ].join("\n");
    config(`const a = ${pythonFixedOutput("giver", giver, "good\n")};
const b = ${pythonFixedOutput("taker", taker, "b\n")};
export default sh("both", \`cat ${"${a}"} ${"${b}"} > "$out"\`);`);
    const run = await runKilnAsync(["build", "kiln.ts", "-j", "2", "--no-link"], root, env);
    expect(run.stderr).not.toContain("error");
    expect(run.status).toBe(0);
    expect(readFileSync(run.stdout.trim(), "utf8")).toBe("good\nb\n");
    const giverOut = readdirSync(join(root, "store")).find((name) => name.endsWith("-giver")) ?? "";
    expect(readFileSync(join(root, "store", giverOut), "utf8")).toBe("good\n");
    verify();
    if (privateNetworks) {
      // Each in a network of its own, the two never even met.
      const takerDrv = readdirSync(join(root, "store")).find((name) => name.endsWith("-taker.drv")) ?? "";
      expect(runKiln(["log", join(root, "store", takerDrv)], root, env).stdout).toContain("no descriptor");
    }
  });

  it.skipIf(!privateNetworks)("runs each fixed-output build in a network namespace of its own, with a user-space network and its DNS", () => {
    const expected = "tap0\nnameserver 10.0.2.3\n";
    const script = 'while read iface dest rest; do [ "$dest" = 00000000 ] && echo "$iface"; done < /proc/net/route > "$out"; cat /etc/resolv.conf >> "$out"';
    config(`export default derivation({ name: "net", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", ${JSON.stringify(script)}], PATH: "/usr/bin:/bin", outputHashMode: "flat", outputHashAlgo: "sha256", outputHash: "${createHash("sha256").update(expected).digest("hex")}" });`);
    const run = runKiln(["build", "kiln.ts", "--sandbox", "--no-link"], root, env);
    expect(run.stderr).not.toContain("error");
    expect(run.status).toBe(0);
    expect(readFileSync(run.stdout.trim(), "utf8")).toBe(expected);
  });
});
