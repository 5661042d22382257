/**
 * `kiln build --check`: an already built output is built again in the
 * sandbox and compared bit for bit, as `nix-build --check`; a difference
 * names the first differing file inside the output.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findBubblewrap } from "@kiln/core";
import { runKiln } from "./run-kiln.js";
import { writeShellConfig } from "./kiln-project.js";

let root = "";
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-check-"));
  // Builders here use the host's tools: the sandbox shows them only when asked to.
  env = { KILN_STORE_DIR: join(root, "store"), KILN_SANDBOX_PATHS: "host" };
  writeShellConfig(
    root,
    `export const steady = sh("steady", 'mkdir -p $out/share; echo same > $out/share/a; ln -s a $out/share/b');
export const flaky = sh("flaky", 'mkdir -p $out/share/doc; echo same > $out/share/a; date +%N > $out/share/doc/stamp; echo z > $out/z');`,
  );
});
afterEach(() => {
  runKiln(["gc"], root, env);
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

function build(attr: string): string {
  const run = runKiln(["build", `kiln.ts#${attr}`, "--no-link"], root, env);
  expect(run.stderr).not.toContain("error");
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

describe.skipIf(findBubblewrap() === undefined)("kiln build --check", () => {
  it("passes a rebuild that is bit-identical, leaving the output as it was", () => {
    const out = build("steady");
    const check = runKiln(["build", "kiln.ts#steady", "--check"], root, env);
    expect(check.stderr).not.toContain("error");
    expect(check.status).toBe(0);
    expect(check.stdout.trim()).toBe(out);
    expect(readFileSync(join(out, "share/b"), "utf8")).toBe("same\n");
    expect(existsSync(join(root, "result"))).toBe(false);
    expect(readdirSync(join(root, "store")).filter((name) => name.endsWith(".check") || name.startsWith(".tmp-"))).toEqual([]);
  });

  it("fails a rebuild that differs, naming the first differing file inside the output, and keeps the rebuild as <out>.check with --keep-failed", () => {
    const out = build("flaky");
    const stamp = readFileSync(join(out, "share/doc/stamp"), "utf8");
    const check = runKiln(["build", "kiln.ts#flaky", "--check"], root, env);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(`may not be deterministic: output '${out}' differs from its rebuild, first at '/share/doc/stamp' inside it, which differs from byte`);
    expect(existsSync(`${out}.check`)).toBe(false);
    // The valid output is untouched.
    expect(readFileSync(join(out, "share/doc/stamp"), "utf8")).toBe(stamp);

    const kept = runKiln(["build", "kiln.ts#flaky", "--check", "--keep-failed"], root, env);
    expect(kept.status).toBe(1);
    expect(kept.stderr).toContain(`the rebuild is kept at '${out}.check'`);
    expect(readFileSync(`${out}.check/share/a`, "utf8")).toBe("same\n");
    expect(readFileSync(`${out}.check/share/doc/stamp`, "utf8")).not.toBe(stamp);
    expect(readFileSync(join(out, "share/doc/stamp"), "utf8")).toBe(stamp);
    // Unregistered, the kept rebuild is garbage.
    expect(runKiln(["gc"], root, env).status).toBe(0);
    expect(existsSync(`${out}.check`)).toBe(false);
  });

  it("refuses to check what is not built yet, or without the sandbox, building nothing", () => {
    const unbuilt = runKiln(["build", "kiln.ts#steady", "--check"], root, env);
    expect(unbuilt.status).toBe(1);
    expect(unbuilt.stderr).toMatch(/error: some outputs of '.*-steady\.drv' are not valid, so checking is not possible; build first, then check/);
    expect(readdirSync(join(root, "store")).filter((name) => !name.endsWith(".drv"))).toEqual([]);

    build("steady");
    const unsandboxed = runKiln(["build", "kiln.ts#steady", "--check", "--no-sandbox"], root, env);
    expect(unsandboxed.status).toBe(1);
    expect(unsandboxed.stderr).toContain("needs the sandbox: without it the rebuild would write over the valid output");
  });

  it("says --keep-failed needs --check, and --check the local realiser", () => {
    expect(runKiln(["build", "kiln.ts#steady", "--keep-failed"], root, env).stderr).toContain("--keep-failed keeps a differing rebuild of --check; pass --check too");
    expect(runKiln(["build", "kiln.ts#steady", "--check", "--realiser", "dry-run"], root, env).stderr).toContain("--check rebuilds with the local realiser, not 'dry-run'");
  });
});
