/**
 * Which inputs a build needs, through the real CLI: only the outputs of its
 * inputs, found by path. A valid output satisfies every fixed-output
 * derivation that produces it (a prefetched file, a twin with another URL),
 * and the sources of an already valid package are never fetched again, so
 * both work with the network gone (a closed port stands in for it).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serve, startLoopbackServer } from "../../store/test/fetch/loopback-server.js";
import { runKilnAsync } from "./run-kiln.js";

let root = "";
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-inputs-"));
  // Builders here use the host's tools: the sandbox shows them only when asked to.
  env = { KILN_STORE_DIR: join(root, "store"), KILN_FETCH_ATTEMPTS: "1", KILN_SANDBOX_PATHS: "host" };
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

const CONTENTS = "pretend this is a tarball\n";
const HASH = `sha256-${createHash("sha256").update(CONTENTS).digest("base64")}`;

/** A URL on 127.0.0.1 where nothing answers any more. */
async function closedUrl(path: string): Promise<string> {
  const server = await startLoopbackServer();
  await server.close();
  return `${server.url}${path}`;
}

/** Writes a config: `src` is fetched from `url`, and each of `packages` is `[name, script]` with `pkg` (built from src) available. */
function config(url: string, packages: readonly [string, string][]): void {
  writeFileSync(
    join(root, "kiln.ts"),
    `import { derivation, fetchurl } from "@kiln/core";
const sh = (name: string, script: string) => derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin" });
const src = fetchurl({ url: ${JSON.stringify(url)}, hash: ${JSON.stringify(HASH)} });
const pkg = sh("pkg", \`cat \${src} > "$out"\`);
export default { pkg, ${packages.map(([name, script]) => `${JSON.stringify(name)}: sh(${JSON.stringify(name)}, ${JSON.stringify(script)}.replace("PKG", pkg.outPath))`).join(", ")} };
`,
  );
}

describe("a fixed-output derivation with a valid output", () => {
  it("is satisfied by a prefetched file: the build does not fetch, and does not fail on the missing link to a .drv", async () => {
    const file = join(root, "x.tar.gz");
    writeFileSync(file, CONTENTS);
    const prefetched = await runKilnAsync(["prefetch", `file://${file}`], root, env);
    expect(prefetched.status, prefetched.stderr).toBe(0);
    expect(prefetched.stdout.split("\n")[0]).toBe(HASH);
    const url = await closedUrl("/x.tar.gz");
    config(url, []);
    const dryRun = await runKilnAsync(["build", "kiln.ts#pkg", "--realiser", "dry-run"], root, env);
    expect(dryRun.stderr).toMatch(/^1 derivation will be built:\n  .*-pkg\.drv\nthese 0 fixed-output derivations will be fetched:\n1 output already valid:\n  .*-x\.tar\.gz\n$/);
    const build = await runKilnAsync(["build", "kiln.ts#pkg", "--no-link"], root, env);
    expect(build.stderr).not.toContain("is not built");
    expect(build.status, build.stderr).toBe(0);
  });

  it("is satisfied by its twin: changing the URL but not the hash rebuilds nothing and fetches nothing", async () => {
    const server = await startLoopbackServer();
    server.route("/x.tar.gz", serve(CONTENTS));
    config(`${server.url}/x.tar.gz`, []);
    const first = await runKilnAsync(["build", "kiln.ts#pkg", "--no-link"], root, env);
    await server.close();
    expect(first.status, first.stderr).toBe(0);
    config(await closedUrl("/moved/x.tar.gz"), [["more", 'cat PKG > "$out"']]);
    const second = await runKilnAsync(["build", "kiln.ts#more", "--no-link"], root, env);
    expect(second.stderr).not.toContain("is not built");
    expect(second.status, second.stderr).toBe(0);
  });
});

describe("building on top of a valid package", () => {
  it("needs only its output, not its sources: after gc collected the source, a new dependent builds offline, and dry-run says so", async () => {
    const server = await startLoopbackServer();
    server.route("/x.tar.gz", serve(CONTENTS));
    const url = `${server.url}/x.tar.gz`;
    config(url, []);
    const first = await runKilnAsync(["build", "kiln.ts#pkg"], root, env);
    await server.close();
    expect(first.status, first.stderr).toBe(0);
    const gc = await runKilnAsync(["gc"], root, env);
    expect(gc.stdout).toMatch(/deleted '.*-x\.tar\.gz'/);
    expect(existsSync(first.stdout.trim())).toBe(true);

    // The server is gone: any fetch would fail.
    config(url, [["app", 'cat PKG > "$out"; echo app >> "$out"']]);
    const dryRun = await runKilnAsync(["build", "kiln.ts#app", "--realiser", "dry-run"], root, env);
    expect(dryRun.stderr).toMatch(/^1 derivation will be built:\n  .*-app\.drv\nthese 0 fixed-output derivations will be fetched:\n1 output already valid:\n  .*-pkg\n$/);
    const build = await runKilnAsync(["build", "kiln.ts#app", "--no-link"], root, env);
    expect(build.status, build.stderr).toBe(0);
  });
});
