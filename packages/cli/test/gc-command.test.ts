/**
 * `kiln gc` through the real CLI on real stores: it deletes only its own
 * store's garbage, a dry run and `--print-roots` change nothing, and what
 * processes killed with -9 left behind is cleaned up without disturbing a
 * live Kiln.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";
import { startKiln, waitFor, withDatabase, writeShellConfig } from "./kiln-project.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-gc-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

/** A project directory with a config building `name`. */
function project(dir: string, name: string, script = 'echo built > "$out"'): string {
  const path = join(root, dir);
  mkdirSync(path, { recursive: true });
  writeShellConfig(path, `export default sh(${JSON.stringify(name)}, ${JSON.stringify(script)});`);
  return path;
}

describe("kiln gc", () => {
  it("never touches another store's paths or roots, even when the stores share a parent directory", () => {
    const one = { KILN_STORE_DIR: join(root, "store") };
    const two = { KILN_STORE_DIR: join(root, "other") };
    const first = project("first", "kept");
    const built = runKiln(["build", "kiln.ts"], first, one);
    expect(built.status, built.stderr).toBe(0);
    const kept = built.stdout.trim();

    // The second store would share <parent>/var/kiln: it is refused, with the way out.
    const second = project("second", "other-thing");
    const refused = runKiln(["build", "kiln.ts"], second, two);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`the state directory '${join(root, "var", "kiln")}' belongs to the store '${join(root, "store")}', not to '${join(root, "other")}'`);
    expect(refused.stderr).toContain(`KILN_STATE_DIR=${join(root, "var", "kiln-other")}`);
    for (const args of [["gc", "--dry-run"], ["gc"], ["gc", "--print-roots"]]) expect(runKiln(args, second, two).status).toBe(1);
    expect(existsSync(kept)).toBe(true);
    expect(withDatabase(join(root, "var", "kiln"), (database) => database.roots())).toEqual([{ link: join(first, "result"), target: kept }]);

    // With a state directory of its own, the second store works, and its gc leaves the first store alone.
    const twoOwn = { ...two, KILN_STATE_DIR: join(root, "var", "kiln-other") };
    const otherBuild = runKiln(["build", "kiln.ts", "--no-link"], second, twoOwn);
    expect(otherBuild.status, otherBuild.stderr).toBe(0);
    const gc = runKiln(["gc"], second, twoOwn);
    expect(gc.status, gc.stderr).toBe(0);
    expect(gc.stdout).toContain(`deleted '${otherBuild.stdout.trim()}'`);
    expect(existsSync(kept)).toBe(true);
    expect(runKiln(["gc"], first, one).stdout).not.toContain(kept);
    expect(existsSync(kept)).toBe(true);
  });

  it("keeps a root row whose link now points into another store, and a dry run forgets nothing", () => {
    const env = { KILN_STORE_DIR: join(root, "store") };
    const dir = project("p", "rooted");
    const built = runKiln(["build", "kiln.ts"], dir, env);
    expect(built.status, built.stderr).toBe(0);
    const gone = project("q", "unlinked");
    expect(runKiln(["build", "kiln.ts"], gone, env).status).toBe(0);
    rmSync(join(gone, "result"));
    const rows = (): string[] => withDatabase(join(root, "var", "kiln"), (database) => database.roots().map((row) => row.link));
    expect(rows()).toEqual([join(dir, "result"), join(gone, "result")]);

    const dryRun = runKiln(["gc", "--dry-run"], dir, env);
    expect(dryRun.status, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toMatch(/would delete '.*-unlinked'/);
    expect(rows()).toEqual([join(dir, "result"), join(gone, "result")]);

    // The link is re-pointed into another store: this store's gc must not forget it.
    rmSync(join(dir, "result"));
    symlinkSync(join(root, "elsewhere", "store", "00000000000000000000000000000000-x"), join(dir, "result"));
    expect(runKiln(["gc"], dir, env).status).toBe(0);
    expect(rows()).toEqual([join(dir, "result")]);
  });

  it("--print-roots lists each root and what it keeps, and deletes nothing", () => {
    const env = { KILN_STORE_DIR: join(root, "store") };
    const dir = project("p", "rooted");
    writeShellConfig(dir, `const dep = sh("dep", 'echo dep > "$out"');\nexport default sh("rooted", \`cat \${dep} > "$out"; echo \${dep} >> "$out"\`);`);
    const rooted = runKiln(["build", "kiln.ts"], dir, env);
    expect(rooted.status, rooted.stderr).toBe(0);
    const garbageDir = project("g", "garbage");
    const garbage = runKiln(["build", "kiln.ts", "--no-link"], garbageDir, env).stdout.trim();
    expect(existsSync(garbage)).toBe(true);

    const listed = runKiln(["gc", "--print-roots"], dir, env);
    expect(listed.status, listed.stderr).toBe(0);
    // The output, its dependency, and the .drv files they were built from.
    expect(listed.stdout).toMatch(new RegExp(`^${join(dir, "result")} -> ${rooted.stdout.trim()} \\(keeps 4 paths, [0-9.]+ KiB\\)\n$`));
    expect(listed.stderr).toBe("1 roots\n");
    expect(existsSync(garbage)).toBe(true);
    expect(runKiln(["gc", "--dry-run"], dir, env).stdout).toContain(`would delete '${garbage}'`);
  });
});

describe("cleanup after Kiln processes killed with -9", () => {
  /** Starts `kiln build` of a derivation that waits for `release` to exist, and waits until its builder runs. */
  async function startWaitingBuild(dir: string, env: NodeJS.ProcessEnv, release: string): Promise<ReturnType<typeof startKiln>> {
    const started = join(dir, "started");
    // A builder its Kiln left behind (on a Kiln that cannot stop it) ends when the test's directory goes.
    writeShellConfig(dir, `export default sh("waits-${dir.slice(-1)}", 'touch ${started}; while [ ! -e ${release} ] && [ -e ${dir} ]; do sleep 0.05; done; echo done > "$out"');`);
    const kiln = startKiln(["build", "kiln.ts", "--no-sandbox", "--no-link"], dir, env);
    await waitFor(() => existsSync(started));
    return kiln;
  }

  const buildDirectories = (): string[] => {
    const builds = join(root, "var", "kiln", "builds");
    return readdirSync(builds).flatMap((owner) => readdirSync(join(builds, owner)).map((entry) => join(owner, entry)));
  };
  const tempRootOwners = (): string[] => withDatabase(join(root, "var", "kiln"), (database) => database.db.prepare<[], { owner: string }>("SELECT DISTINCT owner FROM TempRoots").all().map((row) => row.owner.split(":")[1] as string));

  it("kiln gc removes the build directories, temporary roots and locks of dead processes, and leaves a live one's alone", async () => {
    const env = { KILN_STORE_DIR: join(root, "store") };
    const release = join(root, "release");
    // The live one starts first: a build that starts later cleans up after the dead itself.
    const live = await startWaitingBuild(project("b", "x"), env, release);
    const livePid = String(live.child.pid);
    const killed = await startWaitingBuild(project("a", "x"), env, release);
    const killedPid = String(killed.child.pid);
    killed.child.kill("SIGKILL");
    await killed.done;
    expect(buildDirectories()).toHaveLength(2);
    expect(tempRootOwners().sort()).toEqual([killedPid, livePid].sort());

    const gc = runKiln(["gc"], root, env);
    expect(gc.status, gc.stderr).toBe(0);
    expect(buildDirectories()).toEqual([expect.stringMatching(new RegExp(`_${livePid}_.*/waits-b-`))]);
    expect(tempRootOwners()).toEqual([livePid]);
    expect(withDatabase(join(root, "var", "kiln"), (database) => database.db.prepare("SELECT pid FROM Locks").all())).toEqual([{ pid: Number(livePid) }]);

    // The live build was not disturbed: it finishes and registers its output.
    rmSync(join(root, "b", "started"));
    mkdirSync(release);
    const finished = await live.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(readFileSync(finished.stdout.trim(), "utf8")).toBe("done\n");
  });

  it("each next build removes what killed builds left, so fourteen kills leave only the last one's, until the next run", async () => {
    const env = { KILN_STORE_DIR: join(root, "store") };
    const release = join(root, "release");
    const dir = project("a", "x");
    for (let run = 0; run < 14; run++) {
      const killed = await startWaitingBuild(dir, env, release);
      killed.child.kill("SIGKILL");
      await killed.done;
      rmSync(join(dir, "started"));
    }
    expect(buildDirectories()).toHaveLength(1);
    expect(new Set(tempRootOwners()).size).toBe(1);

    const next = runKiln(["build", "kiln.ts", "--no-link"], project("c", "unrelated"), env);
    expect(next.status, next.stderr).toBe(0);
    expect(buildDirectories()).toEqual([]);
    expect(tempRootOwners()).toEqual([]);
  });
});
