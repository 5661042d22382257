import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";
import { startKiln as startKilnIn, waitFor, withDatabase, writeShellConfig, type StartedKiln } from "./kiln-project.js";

let root = "";
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-build-"));
  // Some builders use the host's tools (mkdir, mkfifo): the sandbox shows them only when asked to.
  env = { KILN_STORE_DIR: join(root, "store"), KILN_SANDBOX_PATHS: "host" };
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

function config(body: string): string {
  return writeShellConfig(root, body);
}

function validPaths(): string[] {
  return withDatabase(join(root, "var", "kiln"), (database) => database.allValidPaths());
}

function startKiln(args: readonly string[]): StartedKiln {
  return startKilnIn(args, root, env);
}

describe("kiln build", () => {
  it("builds, prints the output paths and makes result links that are gc roots", () => {
    writeFileSync(
      join(root, "kiln.ts"),
      `import { derivation } from "@kiln/core";
export default derivation({ name: "multi", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", 'echo out > "$out"; echo dev > "$dev"'], outputs: ["out", "dev"] });
`,
    );
    const run = runKiln(["build", "kiln.ts"], root, env);
    expect(run.status).toBe(0);
    const [out, dev] = run.stdout.trim().split("\n");
    expect(out).toMatch(/-multi$/);
    expect(dev).toMatch(/-multi-dev$/);
    expect(readlinkSync(join(root, "result"))).toBe(out);
    expect(readlinkSync(join(root, "result-dev"))).toBe(dev);
    expect(readFileSync(join(root, "result-dev"), "utf8")).toBe("dev\n");
    // The links keep the outputs alive; removing them lets gc take everything.
    expect(runKiln(["gc"], root, env).stdout).not.toContain(out as string);
    rmSync(join(root, "result"));
    rmSync(join(root, "result-dev"));
    const gc = runKiln(["gc"], root, env);
    expect(gc.stdout).toContain(`deleted '${out}'`);
    expect(existsSync(out as string)).toBe(false);
  });

  it("reports a failure with the log and exits 1", () => {
    config(`export default sh("broken", 'echo "about to fail"; exit 4');`);
    const run = runKiln(["build", "kiln.ts"], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/error: builder for '.*-broken\.drv' failed with exit code 4;\nlast 1 log lines:\n> about to fail\n/);
    const drvPath = /builder for '([^']+)'/.exec(run.stderr)?.[1] ?? "";
    expect(runKiln(["log", drvPath], root, env).stdout).toBe("about to fail\n");
  });

  it("an output holding a fifo fails its build, naming the derivation, and nothing of it stays in the store", () => {
    config(`export default sh("fifo-out", "mkdir $out && mkfifo $out/pipe");`);
    const run = runKiln(["build", "kiln.ts"], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/error: builder for '\/[^']*-fifo-out\.drv' produced output 'out' that cannot be stored: '\/[^']*\/store\/[a-z0-9]{32}-fifo-out\/pipe' is a fifo/);
    expect(validPaths().filter((path) => !path.endsWith(".drv"))).toEqual([]);
    expect(readdirSync(join(root, "store")).filter((name) => name.endsWith("-fifo-out"))).toEqual([]);
  });

  it("after kill -9 in the middle of a build, nothing is registered and the next run completes", async () => {
    const marker = join(root, "first-run");
    config(`export default sh("interrupted", 'mkdir -p "$out"; echo partial > "$out/a"; if [ ! -e ${marker} ]; then touch ${marker}; sleep 60; fi; echo done > "$out/b"');`);
    const first = startKiln(["build", "kiln.ts", "--no-sandbox"]);
    await waitFor(() => existsSync(marker));
    first.child.kill("SIGKILL");
    await first.done;
    expect(validPaths().filter((path) => path.endsWith("-interrupted"))).toEqual([]);
    const second = runKiln(["build", "kiln.ts", "--no-sandbox"], root, env);
    expect(second.stderr).not.toContain("error");
    expect(second.status).toBe(0);
    const out = second.stdout.trim();
    expect(readFileSync(join(out, "b"), "utf8")).toBe("done\n");
    expect(validPaths()).toContain(out);
    expect(runKiln(["store", "verify", "--check-contents"], root, env).status).toBe(0);
  });

  it("Ctrl-C stops the running builder and registers nothing", async () => {
    const pidFile = join(root, "builder.pid");
    config(`export default sh("stopped", 'echo $$ > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; exec sleep 60');`);
    const build = startKiln(["build", "kiln.ts", "--no-sandbox"]);
    await waitFor(() => existsSync(pidFile));
    build.child.kill("SIGINT");
    const { code, stderr } = await build.done;
    expect(code).toBe(130);
    expect(stderr).toContain("error: interrupted");
    expect(validPaths().filter((path) => path.endsWith("-stopped"))).toEqual([]);
    const builder = Number(readFileSync(pidFile, "utf8"));
    expect(() => process.kill(builder, 0)).toThrow();
  });

  it("two processes building one graph build each output once", async () => {
    const counter = join(root, "counter");
    config(`export default sh("shared", 'echo run >> ${counter}; sleep 1; echo built > "$out"');`);
    const a = startKiln(["build", "kiln.ts", "--no-sandbox", "--no-link"]);
    const b = startKiln(["build", "kiln.ts", "--no-sandbox", "--no-link"]);
    const [resultA, resultB] = await Promise.all([a.done, b.done]);
    expect(resultA.code, resultA.stderr).toBe(0);
    expect(resultB.code, resultB.stderr).toBe(0);
    expect(resultA.stdout).toBe(resultB.stdout);
    expect(readFileSync(counter, "utf8")).toBe("run\n");
  });

  it("--realiser dry-run says what would be built and builds nothing", () => {
    config(`const a = sh("a", 'echo a > "$out"');\nexport default sh("b", \`cat \${a} > "$out"\`);`);
    const run = runKiln(["build", "kiln.ts", "--realiser", "dry-run"], root, env);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^these 2 derivations will be built:\n  .*-a\.drv\n  .*-b\.drv\nthese 0 fixed-output derivations will be fetched:\n0 outputs already valid:\n$/);
    expect(run.stdout).toBe("");
    expect(existsSync(join(root, "result"))).toBe(false);
  });

  it.skipIf(spawnSync("nix-store", ["--version"]).status !== 0)("--realiser nix builds the hello example through real Nix at the predicted path", () => {
    const example = fileURLToPath(new URL("../../../examples/hello/kiln.ts", import.meta.url));
    const predicted = JSON.parse(runKiln(["instantiate", `${example}#hello`, "--json", "--store-dir", "/nix/store"], root).stdout) as { hello: { outputs: { out: string } } };
    const run = runKiln(["build", `${example}#hello`, "--realiser", "nix", "--nix-option", "substituters="], root, { NIX_REMOTE: "" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(predicted.hello.outputs.out);
    expect(readlinkSync(join(root, "result"))).toBe(predicted.hello.outputs.out);
    expect(spawnSync("sh", [join(root, "result")], { encoding: "utf8" }).stdout).toBe("Hello from Kiln!\n");
  });

  it("--json prints one event a line", () => {
    config(`export default sh("evented", 'echo hi; echo x > "$out"');`);
    const run = runKiln(["build", "kiln.ts", "--json", "--no-link"], root, env);
    const events = run.stderr.trim().split("\n").map((line) => JSON.parse(line) as { type: string; line?: string });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(["plan", "build-started", "log-line", "build-finished", "progress"]));
    expect(events.find((event) => event.type === "log-line")?.line).toBe("hi");
  });

  it("refuses to manage Nix's own store", () => {
    config(`export default sh("x", 'echo > "$out"');`);
    const run = runKiln(["build", "kiln.ts", "--store-dir", "/nix/store"], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/refusing to manage '\/nix\/store': it belongs to Nix/);
  });
});

describe("kiln graph", () => {
  it("prints DOT, Mermaid and JSON", () => {
    config(`const a = sh("a", 'echo a > "$out"');\nexport default sh("b", \`cat \${a} > "$out"\`);`);
    expect(runKiln(["graph", "kiln.ts"], root, env).stdout).toMatch(/^digraph kiln \{[\s\S]*-a\.drv" -> ".*-b\.drv";\n\}\n$/);
    expect(runKiln(["graph", "kiln.ts", "--format", "mermaid"], root, env).stdout).toBe('graph LR\n  d0["a"]\n  d1["b"]\n  d0 --> d1\n');
    const json = JSON.parse(runKiln(["graph", "kiln.ts", "--format", "json"], root, env).stdout) as { nodes: { name: string; inputDrvs: string[] }[] };
    expect(json.nodes.map((node) => node.name)).toEqual(["a", "b"]);
    expect(json.nodes[1]?.inputDrvs).toHaveLength(1);
  });
});
