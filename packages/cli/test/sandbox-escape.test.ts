/**
 * The build sandbox holds against a builder that tries to get out, whoever
 * runs Kiln: as root (as `kiln switch` does) and as an ordinary user. Each
 * attempt runs through the real CLI, a real store and real bubblewrap.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBubblewrap } from "@kiln/core";
import { afterEach, describe, expect, it } from "vitest";
import { KILN_BIN } from "./run-kiln.js";

/** The uid and gid the ordinary-user half runs as (nobody). */
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/** Why the ordinary-user half cannot run here, or `undefined` when it can. */
function unprivilegedSkipReason(): string | undefined {
  if (!isRoot) return "the tests already run as an ordinary user";
  const probe = spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "bwrap", "--unshare-user", "--ro-bind", "/", "/", "true"], { encoding: "utf8" });
  if (probe.status !== 0) return `an unprivileged user cannot create user namespaces here (${probe.stderr.trim() || probe.error?.message})`;
  // A checkout in a directory only root may enter (mktemp -d makes 0700 ones) cannot be run by another user.
  const readable = spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "test", "-r", KILN_BIN]);
  return readable.status === 0 ? undefined : `an unprivileged user cannot read this checkout (${KILN_BIN})`;
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

/** A fresh directory with a config, owned by `uid` (the store goes inside it). */
function project(uid: number | undefined, body: string): string {
  const root = mkdtempSync(join(tmpdir(), "kiln-escape-"));
  roots.push(root);
  writeFileSync(
    join(root, "kiln.ts"),
    `import { derivation, type Derivation } from "@kiln/core";
const sh = (name: string, script: string): Derivation =>
  derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin" });
${body}
`,
  );
  if (uid !== undefined) {
    chownSync(root, uid, uid);
    chownSync(join(root, "kiln.ts"), uid, uid);
  }
  return root;
}

/** Runs the real CLI in `root`, as `uid` when given (through setpriv, with no supplementary groups). */
function kiln(root: string, uid: number | undefined, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  // The escape attempts use the host's tools (mount, unshare, chmod): the sandbox shows them only when asked to, which is what a hostile builder would have.
  const env = { ...process.env, KILN_STORE_DIR: join(root, "store"), HOME: root, XDG_CACHE_HOME: join(root, "cache"), KILN_SANDBOX_PATHS: "host" };
  const [command, commandArgs] =
    uid === undefined ? [process.execPath, [KILN_BIN, ...args]] : ["setpriv", [`--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", process.execPath, KILN_BIN, ...args]];
  const result = spawnSync(command, commandArgs, { cwd: root, env, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const DENIED = ["remount-usr", "remount-input", "bind-mount", "unshare-mount", "unshare-user-mount", "chmod-input", "proc-root", "sysctl"].map((name) => `${name}=denied`);
/** What the builder reports when nothing got out. */
const CONTAINED = [...DENIED, "uid=1000 gid=100", "caps=0000000000000000", "no_new_privs=1"];
const CONTAINED_HASH = createHash("sha256").update(`${CONTAINED.join("\n")}\n`).digest("hex");

/**
 * Every way out the issue names, each reported as allowed or denied, by an
 * ordinary derivation (`plain`) and by a fixed-output one, which has a
 * network (`fixed`, expecting the report of a contained builder). The victim
 * is a valid input store path; `/usr` is a read-only host path. `mount` is
 * setuid root on Debian, so the mount attempts also show that setuid
 * programs give the builder nothing (`no_new_privs`).
 */
const ESCAPE_CONFIG = `
const victim = sh("victim", "echo original > $out");
const attempt = (name: string, command: string): string => \`if ( \${command} ) >/dev/null 2>&1; then echo "\${name}=allowed"; else echo "\${name}=denied"; fi\`;
const script = "export PATH=/usr/bin:/bin\\n{\\n" + [
  attempt("remount-usr", "mount -o remount,bind,rw /usr && echo x > /usr/kiln-escape-marker"),
  attempt("remount-input", \`mount -o remount,bind,rw \${victim} && echo TAMPERED > \${victim}\`),
  attempt("bind-mount", \`touch /build/view && mount --bind \${victim} /build/view\`),
  attempt("unshare-mount", "unshare -m true"),
  attempt("unshare-user-mount", \`unshare -Urm sh -c 'mount -o remount,bind,rw \${victim} && echo TAMPERED > \${victim}'\`),
  attempt("chmod-input", \`chmod u+w \${victim}\`),
  attempt("proc-root", \`echo TAMPERED > /proc/self/root\${victim}\`),
  attempt("sysctl", "v=$(cat /proc/sys/kernel/printk_ratelimit) && echo $v > /proc/sys/kernel/printk_ratelimit"),
  'echo "uid=$(id -u) gid=$(id -g)"',
  'echo "caps=$(sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status)"',
  'echo "no_new_privs=$(sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status)"',
].join("\\n") + "\\n} > $out";
export default {
  plain: sh("escape", script),
  fixed: derivation({ name: "escape-fixed", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], outputHashMode: "flat", outputHashAlgo: "sha256", outputHash: "${CONTAINED_HASH}" }),
};
`;

/** Builds the escape attempt as `uid` and checks that nothing got out. */
function expectNoEscape(uid: number | undefined): void {
  const root = project(uid, ESCAPE_CONFIG);
  for (const attribute of ["plain", "fixed"]) {
    const run = kiln(root, uid, ["build", `kiln.ts#${attribute}`, "--sandbox", "--no-link"]);
    expect(run.stderr, attribute).not.toContain("error");
    expect(run.status, attribute).toBe(0);
    const report = readFileSync(run.stdout.trim(), "utf8").trim().split("\n");
    expect(report, attribute).toEqual(CONTAINED);
    expect(existsSync("/usr/kiln-escape-marker")).toBe(false);
  }
  // The input is as it was built: same contents, still read-only, and the store verifies.
  const victim = readdirVictim(root);
  expect(readFileSync(victim, "utf8")).toBe("original\n");
  expect(statSync(victim).mode & 0o777).toBe(0o444);
  const verify = kiln(root, uid, ["store", "verify", "--check-contents"]);
  expect(verify.stderr).toContain("all good");
  expect(verify.status).toBe(0);
}

function readdirVictim(root: string): string {
  const found = spawnSync("sh", ["-c", `ls -d ${join(root, "store")}/*-victim`], { encoding: "utf8" }).stdout.trim();
  expect(found).not.toBe("");
  return found;
}

describe.skipIf(findBubblewrap() === undefined)("the sandbox against a hostile builder", () => {
  it.skipIf(!isRoot)("as root, the builder is an unprivileged build user who cannot remount, mount, unshare, chmod an input or write through /proc", () => {
    expectNoEscape(undefined);
  });

  const reason = unprivilegedSkipReason();
  it.skipIf(reason !== undefined)(`as an ordinary user, the builder cannot remount, mount, unshare, chmod an input or write through /proc${reason !== undefined ? ` (skipped: ${reason})` : ""}`, () => {
    expectNoEscape(isRoot ? NOBODY : undefined);
  });
});
