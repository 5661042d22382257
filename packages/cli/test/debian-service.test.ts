/**
 * A systemd service whose `ExecStart` names a Debian program: a machine
 * whose `services.nginx.package` is Debian's `nginx-light` is built with
 * the real `kiln`, and its unit's commands are run as systemd would run them
 * (its `RuntimeDirectory`, `CacheDirectory` and `LogsDirectory` made first,
 * here in a private mount namespace so the host's `/run` and `/var` are left
 * alone): `ExecStartPre` checks the Kiln-written configuration with
 * `nginx -t`, `ExecStart` serves a page on 127.0.0.1, and stopping it frees
 * the port.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBubblewrap } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE, cacheDebianDownloads, debianArchiveUnavailable } from "./debian-cache.js";
import { runKiln } from "./run-kiln.js";
import { freePort, unitValue } from "./unit-run.js";

const bwrapWorks = findBubblewrap() !== undefined && spawnSync("bwrap", ["--ro-bind", "/", "/", "true"]).status === 0;
const asRoot = process.getuid?.() === 0;
const skip = (await debianArchiveUnavailable()) ?? (!bwrapWorks ? "bubblewrap cannot create namespaces here" : !asRoot ? "starting nginx as its service does needs root" : undefined);
if (skip !== undefined) console.warn(`skipping the Debian service test: ${skip}`);

/**
 * A shell command that runs `command` as systemd runs a service with
 * `RuntimeDirectory=nginx`, `CacheDirectory=nginx` and `LogsDirectory=nginx`:
 * those made first, inside a mount namespace whose `/run`, `/var/cache` and
 * `/var/log` are empty, so the test touches nothing of the host's.
 */
function asService(command: string): string[] {
  return ["bwrap", "--dev-bind", "/", "/", "--tmpfs", "/run", "--tmpfs", "/var/cache", "--tmpfs", "/var/log", "--cap-add", "ALL", "--die-with-parent", "--", "/bin/sh", "-c", `mkdir -p /run/nginx /var/cache/nginx /var/log/nginx && ${command}`];
}

describe.skipIf(skip !== undefined)("a service running a Debian program", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-service-"));
    env = { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state"), KILN_HASHED_MIRRORS: DEBIAN_CACHE };
    port = await freePort();
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
        "    web: defineMachine({",
        "      pkgs: defaultPackageSet(),",
        "      modules: [{",
        '        networking: { hostName: "web" },',
        "        services: {",
        "          nginx: {",
        "            enable: true,",
        '            package: deb.package("nginx-light"),',
        '            defaultMimeTypes: "/etc/nginx/mime.types",',
        // The host has no nginx user: the workers run as nobody.
        '            user: "nobody",',
        '            group: "nogroup",',
        `            virtualHosts: { local: { listen: [{ addr: "127.0.0.1", port: ${port} }], locations: { "/": { return: "200 'served by Debian nginx from the store'" } } } },`,
        "          },",
        "        },",
        "      }],",
        "    }),",
        "  },",
        "};",
        "",
      ].join("\n"),
    );
  });
  afterAll(() => {
    cacheDebianDownloads(join(dir, "store"));
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds the machine, checks the config with ExecStartPre, serves a page with ExecStart and stops", async () => {
    const build = runKiln(["build", "./kiln.ts#machines.web", "--out-link", join(dir, "system")], dir, env);
    // (A package name may say "error": stdenvNoCC's root unpacks libgpg-error0.)
    expect(build.stderr).not.toMatch(/^error/m);
    expect(build.status).toBe(0);
    const unit = readFileSync(join(dir, "system/etc/systemd/system/nginx.service"), "utf8");
    const execStart = unitValue(unit, "ExecStart");
    // The Debian package's wrapper, with the configuration by its store path (the environment has its own /etc).
    expect(execStart).toMatch(/-nginx-light-[^/]+\/bin\/nginx -c \S+-nginx\.conf$/);
    expect(readFileSync(execStart.split(" ")[2] as string, "utf8")).toContain("include /etc/nginx/mime.types;");

    const [checker, ...checkArgs] = asService(unitValue(unit, "ExecStartPre"));
    const check = spawnSync(checker as string, checkArgs, { encoding: "utf8" });
    expect(check.stderr).toMatch(/syntax is ok/);
    expect(check.stderr).toMatch(/test is successful/);
    expect(check.status).toBe(0);

    const [bwrap, ...args] = asService(`exec ${execStart}`);
    const service = spawn(bwrap as string, args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    service.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<void>((done) => service.on("exit", () => done()));
    try {
      let body: string | undefined;
      for (let attempt = 0; attempt < 100 && body === undefined; attempt++) {
        await new Promise((done) => setTimeout(done, 100));
        try {
          body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
        } catch {
          // Not listening yet.
        }
      }
      expect([body, log]).toEqual(["served by Debian nginx from the store", log]);
    } finally {
      process.kill(-(service.pid as number), "SIGTERM");
      await exited;
    }
    // bwrap exits on SIGTERM at once; nginx, which got it too, closes its listener a moment later.
    let stillServing = true;
    for (let attempt = 0; attempt < 100 && stillServing; attempt++) {
      try {
        await (await fetch(`http://127.0.0.1:${port}/`)).text();
        await new Promise((done) => setTimeout(done, 100));
      } catch {
        stillServing = false;
      }
    }
    expect(stillServing).toBe(false);
  }, 300_000);
});
