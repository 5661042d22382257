/**
 * The rest of `nixos-rebuild` as a user calls it: `kiln boot` (and `switch --boot`), `kiln diff` of every kind of
 * change, the plan `kiln switch` shows first (`--dry`, `--ask`, `--json`), `generations --delete-old` and `gc -d`,
 * on two versions of one machine switched into a temporary root with a temporary store.
 */
import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStore } from "@kiln/core";
import { formatBytes } from "../src/format-bytes.js";
import { KILN_BIN, runKiln } from "./run-kiln.js";

const fixtures = fileURLToPath(new URL("./fixtures/rebuild-verbs/", import.meta.url));
let work = "";
let storeDir = "";
let env: NodeJS.ProcessEnv = {};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-rebuild-verbs-"));
  storeDir = join(work, "store", "store");
  env = { KILN_STORE_DIR: storeDir, HOME: join(work, "home") };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const kiln = (...args: string[]) => runKiln(args, fixtures, env);

/** Every entry under `root` but the profile directory: type and link target or content. */
function tree(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (directory: string, prefix: string): void => {
    for (const name of readdirSync(directory).sort()) {
      const relative = `${prefix}${name}`;
      if (relative === "var/lib/kiln/profiles") continue;
      const path = join(directory, name);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) entries[relative] = `-> ${readlinkSync(path)}`;
      else if (stats.isDirectory()) walk(path, `${relative}/`);
      else entries[relative] = `${(stats.mode & 0o7777).toString(8)} ${readFileSync(path, "utf8")}`;
    }
  };
  walk(root, "");
  return entries;
}

const motd = (root: string): string => readFileSync(join(root, "etc", "motd"), "utf8");

describe("kiln boot", () => {
  it("into --root changes only the mark; a later switch --test keeps it, and the boot unit's command activates it", () => {
    const root = join(work, "boot");
    expect(kiln("switch", "--machine", "v1", "--root", root).status).toBe(0);
    const before = tree(root);
    const boot = kiln("boot", "--machine", "v2", "--root", root);
    expect(boot.status, boot.stderr).toBe(0);
    expect(boot.stderr).toContain("generation 2 of");
    expect(boot.stderr).toContain("is marked for the next boot; nothing was activated now");
    expect(tree(root)).toEqual(before);
    expect(readlinkSync(join(root, "var/lib/kiln/profiles/system-boot"))).toBe("system-2-link");
    expect(kiln("generations", "--root", root).stdout).toMatch(/^ {3}1 .*\(current\)\n {3}2 .*\(next boot\)\n$/);

    // Another configuration activated for a test: the mark stays.
    expect(kiln("switch", "--machine", "v1", "--root", root, "--test").status).toBe(0);
    expect(readlinkSync(join(root, "var/lib/kiln/profiles/system-boot"))).toBe("system-2-link");

    // What kiln-boot.service runs at the next start.
    const start = kiln("boot", "--activate-marked", "--root", root);
    expect(start.status, start.stderr).toBe(0);
    expect(start.stderr).toContain("activated generation 2");
    expect(motd(root)).toBe("Welcome to web.\nSecond line.\n");
    expect(kiln("generations", "--root", root).stdout).toMatch(/\n {3}2 .*\(current\)\n$/);
    expect(readdirSync(join(root, "var/lib/kiln/profiles"))).not.toContain("system-boot");
    expect(kiln("boot", "--activate-marked", "--root", root).stderr).toContain("is already active");
  });

  it("switch --boot is the same, and refuses --test with it", () => {
    const root = join(work, "switch-boot");
    expect(kiln("switch", "--machine", "v1", "--root", root).status).toBe(0);
    expect(kiln("switch", "--machine", "v2", "--root", root, "--boot").stderr).toContain("is marked for the next boot");
    expect(motd(root)).toBe("Welcome.\nSecond line.\n");
    expect(kiln("switch", "--machine", "v2", "--root", root, "--boot", "--test").stderr).toContain("--test and --boot contradict each other");
  });
});

describe("kiln diff", () => {
  it("reports packages, closure size, /etc entries with text diffs, users, groups, units and activation scripts", () => {
    const root = join(work, "diff");
    kiln("switch", "--machine", "v1", "--root", root);
    kiln("switch", "--machine", "v2", "--root", root);
    const diff = kiln("diff", "1", "2", "--root", root);
    expect(diff.status, diff.stderr).toBe(0);
    const text = diff.stdout.replace(/[0-9a-z]{32}-/g, "HASH-").replace(/\d+(\.\d+)? (B|KiB)/g, "SIZE");
    expect(text).toBe(
      [
        "generation 1 → 2",
        "packages:",
        "  changed  tool: 1.0 → 2.0",
        "closure size: SIZE → SIZE (+SIZE)",
        "/etc:",
        "  added    new.conf",
        "  removed  old.conf",
        "  changed  motd",
        "      --- a/etc/motd",
        "      +++ b/etc/motd",
        "      @@ -1,2 +1,2 @@",
        "      -Welcome.",
        "      +Welcome to web.",
        "       Second line.",
        "  changed  profile.d/kiln-environment.sh",
        "      --- a/etc/profile.d/kiln-environment.sh",
        "      +++ b/etc/profile.d/kiln-environment.sh",
        "      @@ -1,5 +1,5 @@",
        "       # Written by Kiln from environment.systemPackages and environment.variables.",
        '       if [ -z "${__KILN_SET_ENVIRONMENT_DONE-}" ]; then',
        "         export __KILN_SET_ENVIRONMENT_DONE=1",
        `      -  export PATH="${storeDir}/HASH-system-path/bin:${storeDir}/HASH-system-path/sbin\${PATH:+:$PATH}"`,
        `      +  export PATH="${storeDir}/HASH-system-path/bin:${storeDir}/HASH-system-path/sbin\${PATH:+:$PATH}"`,
        "       fi",
        "users:",
        "  added    carol",
        "  removed  bob",
        "  changed  alice: extraGroups [] → [web]; shell /bin/sh → /bin/bash",
        "groups:",
        "  added    web",
        "  removed  ops",
        "systemd units:",
        "  added    web.service (wanted by multi-user.target)",
        "  removed  report.service",
        "activation scripts:",
        "  added    seed",
        "  changed  migrate",
        "      --- a/activation-scripts/migrate",
        "      +++ b/activation-scripts/migrate",
        "      @@ -1,3 +1,3 @@",
        "       #!/bin/bash",
        "       # Activation script snippet migrate",
        "      -echo migrating to v1",
        "      +echo migrating to v2",
        "",
      ].join("\n"),
    );
    const json = JSON.parse(kiln("diff", "1", "2", "--root", root, "--json").stdout) as Record<string, { added: unknown[]; removed: unknown[]; changed: { name?: string; path?: string; diff?: string }[] }>;
    expect(json["users"]).toEqual({ added: ["carol"], removed: ["bob"], changed: [{ name: "alice", fields: [{ field: "extraGroups", before: [], after: ["web"] }, { field: "shell", before: "/bin/sh", after: "/bin/bash" }] }] });
    expect(json["units"]?.added).toEqual([{ name: "web.service", wantedBy: ["multi-user.target"] }]);
    expect(json["files"]?.changed.find((change) => change.path === "motd")?.diff).toContain("+Welcome to web.\n");
  });
});

describe("the plan before kiln switch", () => {
  it("is shown before anything changes: --dry stops there, --json gives it to programs, --ask waits for a yes", () => {
    const root = join(work, "plan");
    kiln("switch", "--machine", "v1", "--root", root);
    const before = tree(root);
    const dry = kiln("switch", "--machine", "v2", "--root", root, "--dry");
    expect(dry.status).toBe(0);
    expect(dry.stderr).toMatch(/^plan: \S+-kiln-system-web → machines\.v2\n/m);
    expect(dry.stderr).toContain("users:\n  added    carol\n  removed  bob\n");
    expect(dry.stderr).toContain("\nunits (only reported: not the running machine): stop report.service; start web.service\n");
    expect(tree(root)).toEqual(before);

    const json = kiln("switch", "--machine", "v2", "--root", root, "--dry", "--json");
    const plan = JSON.parse(json.stdout) as { active: string; toplevel: string; unitActions: unknown; groups: unknown };
    expect(plan.active).toMatch(/-kiln-system-web$/);
    expect(plan.unitActions).toEqual({ start: ["web.service"], restart: [], stop: ["report.service"] });
    expect(plan.groups).toEqual({ added: ["web"], removed: ["ops"], changed: [] });
    expect(tree(root)).toEqual(before);

    const ask = (answer: string) =>
      spawnSync(process.execPath, [KILN_BIN, "switch", "--machine", "v2", "--root", root, "--ask"], { cwd: fixtures, encoding: "utf8", input: answer, env: { ...process.env, ...env } });
    const no = ask("n\n");
    expect(no.status).toBe(1);
    expect(no.stderr).toContain("switch to it? [y/N] nothing was changed");
    expect(tree(root)).toEqual(before);
    const yes = ask("yes\n");
    expect(yes.status, yes.stderr).toBe(0);
    expect(yes.stderr.indexOf("plan:")).toBeLessThan(yes.stderr.indexOf("activating machines.v2"));
    expect(motd(root)).toBe("Welcome to web.\nSecond line.\n");

    // Without --dry, --json prints the plan as the one document on stdout, then switches.
    const switched = kiln("switch", "--machine", "v1", "--root", root, "--json");
    expect(switched.status, switched.stderr).toBe(0);
    expect((JSON.parse(switched.stdout) as { users: unknown }).users).toMatchObject({ added: ["bob"], removed: ["carol"] });
    expect(motd(root)).toBe("Welcome.\nSecond line.\n");
  });
});

describe("deleting old generations", () => {
  it("generations --delete-old keeps only the current one, saying what it deleted", () => {
    const root = join(work, "delete-old");
    for (const machine of ["v1", "v2", "v1"]) kiln("switch", "--machine", machine, "--root", root);
    const deleted = kiln("generations", "--root", root, "--delete-old");
    expect(deleted.stderr).toMatch(/^deleted generation 1 \(.*\)\ndeleted generation 2 \(.*\)\n2 generations deleted/);
    expect(kiln("generations", "--root", root).stdout).toMatch(/^ {3}3 .*\(current\)\n$/);
  });

  it("gc -d --home deletes the old generations of the user's home", () => {
    const home = join(work, "alice");
    for (const name of ["h1", "h2"]) expect(kiln("switch", "--home", name, "--root", home).status).toBe(0);
    const gc = runKiln(["gc", "-d", "--home"], fixtures, { ...env, HOME: home });
    expect(gc.status, gc.stderr).toBe(0);
    expect(gc.stderr).toContain(`deleted generation 1 of ${home}/.local/state/kiln/profiles/home`);
    expect(kiln("generations", "--home", "--root", home).stdout).toMatch(/^ {3}2 .*\(current\)\n$/);
    expect(readFileSync(join(home, "note.txt"), "utf8")).toBe("two\n");
  });

  it("gc -d frees exactly what the old generations alone held", () => {
    const root = join(work, "gc");
    // A store of its own, so that no other test's roots keep what the old generations held.
    const gcStore = join(work, "gc-store", "store");
    const kilnGc = (...args: string[]) => runKiln(args, fixtures, { ...env, KILN_STORE_DIR: gcStore });
    // Generation 3 is generation 1 again: deleting 1 frees nothing of its own; 2 held tool-2.0 and its /etc.
    for (const machine of ["v1", "v2", "v1"]) kilnGc("switch", "--machine", machine, "--root", root);
    expect(kilnGc("gc").status).toBe(0);
    const generations = JSON.parse(kilnGc("generations", "--root", root, "--json").stdout) as { number: number; path: string }[];
    const store = LocalStore.open({ storeDir: gcStore });
    let expected: Set<string>;
    let expectedBytes = 0;
    try {
      const kept = (paths: string[]): Set<string> => {
        const live = store.closure(paths);
        for (const path of [...live]) {
          const deriver = store.pathInfo(path)?.deriver;
          if (deriver !== undefined && store.isValid(deriver)) for (const member of store.closure([deriver])) live.add(member);
        }
        return live;
      };
      const current = kept([generations[2]?.path as string]);
      expected = new Set([...kept(generations.slice(0, 2).map((generation) => generation.path))].filter((path) => !current.has(path)));
      for (const path of expected) expectedBytes += store.pathInfo(path)?.narSize ?? 0;
    } finally {
      store.close();
    }
    expect([...expected].some((path) => path.endsWith("-tool-2.0"))).toBe(true);
    const gc = kilnGc("gc", "-d", "--root", root);
    expect(gc.status, gc.stderr).toBe(0);
    expect(gc.stderr).toContain(`deleted generation 1 of ${root}/var/lib/kiln/profiles/system`);
    expect(gc.stderr).toContain(`deleted generation 2 of ${root}/var/lib/kiln/profiles/system`);
    const deleted = new Set([...gc.stdout.matchAll(/^deleted '(.*)'$/gm)].map((match) => match[1]));
    expect(deleted).toEqual(expected);
    expect(gc.stderr).toContain(`${expected.size} store paths deleted, ${formatBytes(expectedBytes)} freed`);
    expect(motd(root)).toBe("Welcome.\nSecond line.\n");
  });
});
