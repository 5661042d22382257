/**
 * `kiln update` and `kiln search` on a config with a Debian input, against
 * the real archive: the input is locked on first use (and the CLI says so),
 * an update with no archive change rewrites nothing, search finds packages
 * in the locked index (and, for an input layered over another, in both),
 * why-depends explains a dependency (also one that resolves into the base), `kiln build` builds
 * a Debian package whose wrapper runs, and a machine with Debian packages is
 * switched, rolled back and garbage-collected (what only a deleted
 * generation held goes, what the current one needs stays).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE as cache, cacheDebianDownloads, debianArchiveUnavailable } from "./debian-cache.js";
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
  afterAll(() => {
    cacheDebianDownloads(join(dir, "store"));
    rmSync(dir, { recursive: true, force: true });
  });

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

  it("mixes revisions: backports layered over bookworm in one config; kiln update INPUT moves only that input", () => {
    const config = join(dir, "layered", "kiln.ts");
    mkdirSync(dirname(config));
    writeFileSync(
      config,
      [
        'import { debian } from "@kiln/debian";',
        "",
        'const deb = await debian({ suite: "bookworm", essential: false });',
        'const backports = await debian({ suite: "bookworm-backports", base: deb, essential: false });',
        "",
        'export default { tools: backports.fhsEnv({ name: "tools", packages: ["tmux", "tree"] }) };',
        "",
      ].join("\n"),
    );
    expect(runKiln(["update", "--file", config], dir, env).status).toBe(0);
    const lockFile = join(dir, "layered", "kiln.lock");
    const lock = JSON.parse(readFileSync(lockFile, "utf8")) as { inputs: Record<string, { date: string }> };
    expect(Object.keys(lock.inputs).sort()).toEqual(["debian-bookworm", "debian-bookworm-backports"]);
    for (const input of Object.values(lock.inputs)) input.date = "Sat, 01 Jan 2000 00:00:00 UTC";
    writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
    const result = runKiln(["update", "debian-bookworm-backports", "--file", config], dir, env);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/updated input 'debian-bookworm-backports': bookworm-backports of Sat, 01 Jan 2000 00:00:00 UTC -> /);
    const after = JSON.parse(readFileSync(lockFile, "utf8")) as { inputs: Record<string, { date: string }> };
    expect(after.inputs["debian-bookworm"]?.date).toBe("Sat, 01 Jan 2000 00:00:00 UTC");
    expect(after.inputs["debian-bookworm-backports"]?.date).not.toBe("Sat, 01 Jan 2000 00:00:00 UTC");
    const build = runKiln(["build", `${config}#tools`, "--out-link", join(dir, "layered", "result")], dir, env);
    expect(build.stderr).not.toMatch(/^error/m);
    expect(build.status).toBe(0);
    expect(spawnSync(join(dir, "layered", "result/bin/tree"), ["--version"], { encoding: "utf8" }).stdout).toMatch(/^tree v2\./);
    expect(existsSync(join(dir, "layered", "result/bin/tmux"))).toBe(true);
  }, 180_000);

  it("searches a layered input with its base (each hit marked with the input that lists it) and explains a dependency that resolves into the base", () => {
    // The layered config of the test before: the lock records what the backports are layered over.
    const config = join(dir, "layered", "kiln.ts");
    const lock = JSON.parse(readFileSync(join(dir, "layered", "kiln.lock"), "utf8")) as { inputs: Record<string, { base?: string }> };
    expect([lock.inputs["debian-bookworm-backports"]?.base, lock.inputs["debian-bookworm"]?.base]).toEqual(["debian-bookworm", undefined]);
    // tmux of the backports (newer than bookworm's), jq only in the base.
    const search = runKiln(["search", "--file", config, "--input", "debian-bookworm-backports", "--json", "terminal", "multiplexer"], dir, env);
    expect(search.status).toBe(0);
    const hits = JSON.parse(search.stdout) as { input: string; name: string; version: string }[];
    expect(hits.find((hit) => hit.name === "tmux")).toMatchObject({ input: "debian-bookworm-backports", version: expect.stringMatching(/~bpo12/) });
    const jq = runKiln(["search", "--file", config, "--input", "debian-bookworm-backports", "jq"], dir, env);
    expect(jq.status).toBe(0);
    expect(jq.stdout).toMatch(/^\* debian-bookworm#jq \(1\.6-[^)]*\)\n {2}lightweight and flexible command-line JSON processor$/m);
    // Without --input: the inputs no other is layered over, with their layers; bookworm's tmux is shadowed by the backport, as apt would resolve.
    const all = runKiln(["search", "--file", config, "--json", "tmux"], dir, env);
    const tmuxes = (JSON.parse(all.stdout) as { input: string; name: string }[]).filter((hit) => hit.name === "tmux");
    expect(tmuxes.map((hit) => hit.input)).toEqual(["debian-bookworm-backports"]);

    const why = runKiln(["why-depends", "--file", config, "tmux", "libc6"], dir, env);
    expect(why.stderr).toBe("");
    expect(why.status).toBe(0);
    expect(why.stdout).toMatch(/^tmux \([^)]*~bpo12[^)]*\) from debian-bookworm-backports\n└── libc6 \(2\.36-[^)]*\) from debian-bookworm\n$/);
    const none = runKiln(["why-depends", "--file", config, "tmux", "perl-base"], dir, env);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/'tmux' does not depend on 'perl-base' in debian-bookworm-backports \(over debian-bookworm\)/);
  }, 120_000);

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

  it("switches a machine with Debian packages into --root and rolls it back; gc removes what only a deleted generation held and keeps the current one's closure", () => {
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
    // Once the generation with jq is deleted, what it alone held goes (jq, libjq1, libonig5 unpacked); what the current one needs stays.
    const closureOf = (program: string): string[] => readFileSync(join(dirname(dirname(realpathSync(program))), "kiln-debian/closure"), "utf8").trim().split("\n");
    const kept = closureOf(join(first, "sw/bin/tree"));
    const gone = closureOf(join(second, "sw/bin/jq")).filter((tree) => !kept.includes(tree));
    expect(gone.map((tree) => /^[^-]+-(.+?)-\d.*-deb$/.exec(basename(tree))?.[1]).sort()).toEqual(["jq", "libjq1", "libonig5"]);
    expect(runKiln(["generations", "--root", root, "--delete", "2"], project, env).status).toBe(0);
    expect(runKiln(["gc"], project, env).status).toBe(0);
    for (const tree of gone) expect([tree, existsSync(tree)]).toEqual([tree, false]);
    expect(existsSync(second)).toBe(false);
    for (const tree of kept) expect([tree, existsSync(tree)]).toEqual([tree, true]);
    expect(spawnSync(join(first, "sw/bin/tree"), ["--version"], { encoding: "utf8" }).stdout).toMatch(/^tree v2\./);
  }, 180_000);
});
