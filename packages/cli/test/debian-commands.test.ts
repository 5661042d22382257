/**
 * `kiln update` and `kiln search` on a config with a Debian input, against
 * the real archive: the input is locked on first use (and the CLI says so),
 * an update with no archive change rewrites nothing, search finds packages
 * in the locked index, why-depends explains a dependency, `kiln build` builds
 * a Debian package whose wrapper runs, and a machine with Debian packages is
 * switched, rolled back and garbage-collected.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE as cache, debianArchiveUnavailable } from "./debian-archive.js";
import { runKiln } from "./run-kiln.js";

const skip = await debianArchiveUnavailable();
if (skip !== undefined) console.warn(`skipping the Debian CLI tests: the archive is unreachable (${skip})`);

describe.skipIf(skip !== undefined)("kiln update, search and build with a Debian input", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-cli-"));
    env = { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state"), KILN_HASHED_MIRRORS: cache };
    writeFileSync(
      join(dir, "kiln.ts"),
      'import { debian } from "@kiln/debian";\n\nconst deb = await debian({ suite: "bookworm", essential: false });\n\nexport default { tree: deb.package("tree") };\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("locks an unlocked input on first use and says so; a second update rewrites nothing", () => {
    const first = runKiln(["update"], dir, env);
    expect(first.stderr).toMatch(/input 'debian-bookworm' was not locked; locked it to bookworm of .* in '.*kiln\.lock'/);
    expect(first.status).toBe(0);
    const lockFile = join(dir, "kiln.lock");
    const text = readFileSync(lockFile, "utf8");
    const mtime = statSync(lockFile).mtimeMs;
    const second = runKiln(["update", "debian-bookworm"], dir, env);
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/input 'debian-bookworm' is up to date \(bookworm of /);
    expect(second.stderr).not.toMatch(/wrote|was not locked/);
    expect(readFileSync(lockFile, "utf8")).toBe(text);
    expect(statSync(lockFile).mtimeMs).toBe(mtime);
  });

  it("refuses to update an input the lock does not have, naming those it has", () => {
    const result = runKiln(["update", "debian-sid"], dir, env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/has no input 'debian-sid'; it has debian-bookworm/);
  });

  it("moves only the named input: two inputs locked at different dates stay apart", () => {
    const config = join(dir, "two", "kiln.ts");
    mkdirSync(dirname(config));
    writeFileSync(
      config,
      'import { debian } from "@kiln/debian";\n\nconst now = await debian({ suite: "bookworm", essential: false });\nconst pinned = await debian({ suite: "bookworm", name: "pinned", essential: false });\n\nexport default { now: now.package("tree"), pinned: pinned.package("tree") };\n',
    );
    expect(runKiln(["update", "--file", config], dir, env).status).toBe(0);
    const lockFile = join(dir, "two", "kiln.lock");
    // Both entries as if locked long ago (the date alone: the index they pin is still served).
    const lock = JSON.parse(readFileSync(lockFile, "utf8")) as { inputs: Record<string, { date: string }> };
    for (const input of Object.values(lock.inputs)) input.date = "Sat, 01 Jan 2000 00:00:00 UTC";
    writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
    const result = runKiln(["update", "pinned", "--file", config], dir, env);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/updated input 'pinned': bookworm of Sat, 01 Jan 2000 00:00:00 UTC -> /);
    const after = JSON.parse(readFileSync(lockFile, "utf8")) as { inputs: Record<string, { date: string }> };
    expect(after.inputs["debian-bookworm"]?.date).toBe("Sat, 01 Jan 2000 00:00:00 UTC");
    expect(after.inputs["pinned"]?.date).not.toBe("Sat, 01 Jan 2000 00:00:00 UTC");
  });

  it("shows why one package needs another as a chain", () => {
    const result = runKiln(["why-depends", "htop", "libgcc-s1"], dir, env);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^htop \(.*\)\n└── libc6 \(.*\)\n {4}└── libgcc-s1 \(.*\)\n$/);
    const none = runKiln(["why-depends", "tree", "perl-base"], dir, env);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/'tree' does not depend on 'perl-base' in debian-bookworm/);
  });

  it("searches the locked index by name and description", () => {
    const result = runKiln(["search", "interactive", "process", "viewer"], dir, env);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\* htop \(3\.[^)]*\)\n {2}interactive processes viewer/m);
  });

  it("builds a Debian package whose wrapper runs the program", () => {
    const build = runKiln(["build", "./kiln.ts#tree", "--out-link", join(dir, "result")], dir, env);
    expect(build.stderr).not.toMatch(/error/);
    expect(build.status).toBe(0);
    const run = spawnSync(join(dir, "result/bin/tree"), ["--version"], { encoding: "utf8" });
    expect(run.stdout).toMatch(/^tree v2\./);
  });

  it("switches a machine with Debian packages into --root, rolls it back, and garbage-collects what no generation needs", () => {
    const project = join(dir, "machine");
    mkdirSync(project);
    writeFileSync(
      join(project, "kiln.ts"),
      [
        'import { debian } from "@kiln/debian";',
        'import { defineMachine } from "@kiln/modules";',
        'import { defaultPackageSet } from "@kiln/pkgs";',
        "",
        "const pkgs = defaultPackageSet();",
        'const deb = await debian({ suite: "bookworm", essential: false });',
        "const box = (names: string[]) =>",
        '  defineMachine({ pkgs, modules: [{ networking: { hostName: "box" }, environment: { systemPackages: names.map((name) => deb.package(name)) } }] });',
        "",
        'export default { machines: { box: box(["tree"]), bigger: box(["tree", "jq"]) } };',
        "",
      ].join("\n"),
    );
    const root = join(dir, "root");
    const system = (): string => realpathSync(join(root, "var/lib/kiln/profiles/system"));
    expect(runKiln(["switch", "--machine", "box", "--root", root], project, env).status).toBe(0);
    const first = system();
    expect(spawnSync(join(first, "sw/bin/tree"), ["--version"], { encoding: "utf8" }).stdout).toMatch(/^tree v2\./);
    expect(runKiln(["switch", "--machine", "bigger", "--root", root], project, env).status).toBe(0);
    const second = system();
    expect(spawnSync(join(second, "sw/bin/jq"), ["-n", "1 + 1"], { encoding: "utf8" }).stdout).toBe("2\n");
    expect(runKiln(["rollback", "--root", root], project, env).status).toBe(0);
    expect(system()).toBe(first);
    expect(existsSync(join(system(), "sw/bin/jq"))).toBe(false);
    const gc = runKiln(["gc"], project, env);
    expect(gc.status).toBe(0);
    // The .deb files are not needed at run time; the unpacked closures of both generations are.
    expect(gc.stdout).toMatch(/deleted '.*-jq_[^']*_amd64\.deb'/);
    expect(spawnSync(join(first, "sw/bin/tree"), ["--version"], { encoding: "utf8" }).stdout).toMatch(/^tree v2\./);
    expect(spawnSync(join(second, "sw/bin/jq"), ["-n", "1 + 1"], { encoding: "utf8" }).stdout).toBe("2\n");
  }, 180_000);
});
