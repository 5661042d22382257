/**
 * Debian packages as the CLI takes any package: `kiln run` runs a
 * package's `meta.mainProgram`, known from the lock's `Contents` index
 * before anything is fetched (`nginx` for `nginx-light`), and `kiln shell`
 * puts Debian packages' programs on the PATH.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE as cache, debianArchiveUnavailable } from "./debian-cache.js";
import { runKiln } from "./run-kiln.js";

const skip = await debianArchiveUnavailable();
if (skip !== undefined) console.warn(`skipping the Debian kiln run and shell tests: the archive is unreachable (${skip})`);

describe.skipIf(skip !== undefined)("kiln run and kiln shell with Debian packages", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-run-"));
    env = { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state"), KILN_HASHED_MIRRORS: cache };
    writeFileSync(
      join(dir, "kiln.ts"),
      [
        'import { debian } from "@kiln/debian";',
        "",
        'const deb = await debian({ suite: "bookworm", essential: false });',
        "",
        'export default { nginx: deb["nginx-light"], jq: deb.jq, tree: deb.tree, ssh: deb["openssh-client"] };',
        "",
      ].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("locks the suite's Contents index beside its Packages index, and every package's mainProgram comes from it", () => {
    const evaluated = runKiln(["eval", "./kiln.ts#ssh.meta", "--json"], dir, env);
    expect(evaluated.status).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ mainProgram: "ssh" });
    const lock = JSON.parse(readFileSync(join(dir, "kiln.lock"), "utf8")) as { inputs: Record<string, { indexes: { contents?: { path: string } }[] }> };
    expect(lock.inputs["debian-bookworm"]?.indexes[0]?.contents?.path).toBe("dists/bookworm/main/Contents-amd64.gz");
  }, 120_000);

  it("kiln run on nginx-light runs nginx, the program of the package it stands for", () => {
    const run = runKiln(["run", "./kiln.ts#nginx", "--", "-v"], dir, env);
    expect(run.stderr).toMatch(/nginx version: nginx\/1\./);
    expect(run.status).toBe(0);
  }, 120_000);

  it("kiln shell puts the programs of Debian packages on the PATH", () => {
    const shell = runKiln(["shell", "./kiln.ts#jq", "./kiln.ts#tree", "--command", "sh", "-c", "echo '[1,2]' | jq add && tree --version"], dir, env);
    expect(shell.status).toBe(0);
    expect(shell.stdout).toMatch(/^3\ntree v2\./);
  }, 120_000);
});
