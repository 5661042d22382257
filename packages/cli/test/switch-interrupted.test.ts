/**
 * `kiln switch` and `kiln rollback` killed with SIGKILL at random points of
 * activation, again and again, on a real `--root` tree: after each kill the
 * next switch, `switch --test` or rollback to any generation must succeed and
 * leave exactly that generation's files and accounts, as a switch of it into
 * an empty root does, with no temporaries and no Kiln file moved aside as if
 * it were the user's. This is NixOS's guarantee for an interrupted
 * `switch-to-configuration`.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KILN_BIN, runKiln, type KilnRun } from "./run-kiln.js";

const fixtures = fileURLToPath(new URL("./fixtures/interrupt/", import.meta.url));
const GENERATIONS = [1, 2, 3, 4] as const;
const KILLS = 30;
const PROFILES = "var/lib/kiln/profiles";
const ACCOUNT_FILES = ["etc/passwd", "etc/group", "etc/shadow", "etc/gshadow"];

let work = "";
let env: NodeJS.ProcessEnv = {};
const expected = new Map<number, Record<string, string>>();

const kiln = (...args: string[]): KilnRun => runKiln(args, fixtures, env);

/** A root as a distribution leaves it: accounts Kiln did not create. */
function seedRoot(root: string): void {
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
  writeFileSync(join(root, "etc", "group"), "root:x:0:\nusers:x:100:\nnogroup:x:65534:\n");
  writeFileSync(join(root, "etc", "shadow"), "root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n", { mode: 0o640 });
}

/**
 * Every entry of a root but its profile (whose generation count depends on
 * history): type, mode, link target or content. Account files are compared
 * as sets of lines, since an account re-created after a rollback is
 * appended rather than put back in its old place.
 */
function tree(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const relative of (readdirSync(root, { recursive: true }) as string[]).sort()) {
    if (relative === PROFILES || relative.startsWith(`${PROFILES}/`)) continue;
    const path = join(root, relative);
    const stats = lstatSync(path);
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) entries[relative] = `link -> ${readlinkSync(path)}`;
    else if (stats.isDirectory()) entries[relative] = `dir ${mode}`;
    else {
      const text = readFileSync(path, "utf8");
      entries[relative] = `file ${mode} ${ACCOUNT_FILES.includes(relative) ? text.split("\n").sort().join("\n") : text}`;
    }
  }
  return entries;
}

function namesUnder(directory: string, matches: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) if (matches(entry.name)) found.push(join(entry.parentPath, entry.name));
  return found;
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** Sleeps without yielding to the event loop, so the kill lands when chosen. */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function inode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

interface Kill {
  /** Whether the process was still running when killed. */
  readonly killedRunning: boolean;
}

/** Where a kill is aimed: anywhere in activation, or while the account files are being replaced. */
type Aim = { readonly at: "activation"; readonly delayMs: number } | { readonly at: "accounts" };

function replacingAccounts(etc: string, passwdBefore: number | undefined): boolean {
  return inode(join(etc, "passwd")) !== passwdBefore || readdirSync(etc).some((name) => /^\.(passwd|group|g?shadow)\.kiln-tmp-/.test(name));
}

/**
 * Runs `kiln ARGS` and SIGKILLs it where `aim` says: `delayMs` after
 * activation started changing the root (the journal appeared, or, for a
 * Kiln without one, the account files were replaced), or as soon as the
 * account files are being replaced.
 */
async function killDuringActivation(root: string, args: readonly string[], aim: Aim): Promise<Kill> {
  const journal = join(root, "var", "lib", "kiln", "activation-journal.json");
  const etc = join(root, "etc");
  const passwdBefore = inode(join(etc, "passwd"));
  const child = spawn(process.execPath, [KILN_BIN, ...args], { cwd: fixtures, env: { ...process.env, ...env }, stdio: "ignore" });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_status, signal) => resolve(signal)));
  const deadline = Date.now() + 10_000;
  if (aim.at === "accounts") {
    while (Date.now() < deadline && !replacingAccounts(etc, passwdBefore)) sleepMs(0.05);
  } else {
    while (Date.now() < deadline && !existsSync(journal) && inode(join(etc, "passwd")) === passwdBefore) sleepMs(0.2);
    sleepMs(aim.delayMs);
  }
  child.kill("SIGKILL");
  // A process that had already exited reports its status, not the signal.
  return { killedRunning: (await exited) === "SIGKILL" };
}

/** Milliseconds from the journal's appearing to the end of `kiln ARGS`, which must succeed. */
async function activationTime(root: string, args: readonly string[]): Promise<number> {
  const journal = join(root, "var", "lib", "kiln", "activation-journal.json");
  const child = spawn(process.execPath, [KILN_BIN, ...args], { cwd: fixtures, env: { ...process.env, ...env }, stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (status) => resolve(status)));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !existsSync(journal)) sleepMs(0.2);
  const started = Date.now();
  expect(await exited).toBe(0);
  return Date.now() - started;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-interrupt-"));
  env = { KILN_STORE_DIR: join(work, "store", "store") };
  // The root the loop kills switches in: generations 1 to 4 of the fixture.
  const root = join(work, "root");
  seedRoot(root);
  for (const generation of GENERATIONS) {
    const result = kiln("switch", "--machine", `g${generation}`, "--root", root);
    expect(result.stderr).toContain(`generation ${generation} of`);
  }
  // Each generation activated into an empty root is what the loop compares with.
  for (const generation of GENERATIONS) {
    const fresh = join(work, `fresh-${generation}`);
    seedRoot(fresh);
    cpSync(join(root, "var", "lib", "kiln", "profiles"), join(fresh, "var", "lib", "kiln", "profiles"), { recursive: true, verbatimSymlinks: true });
    expect(kiln("rollback", "--to", String(generation), "--root", fresh).status).toBe(0);
    expected.set(generation, tree(fresh));
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("an interrupted activation", () => {
  it("is finished or undone by the next switch, switch --test or rollback to any generation, leaving exactly that generation", async () => {
    const root = join(work, "root");
    const etc = join(root, "etc");
    // How long an activation takes from its journal to its end, so kills are spread over all of it.
    const window = await activationTime(root, ["rollback", "--to", "1", "--root", root]);
    let current = 1;
    let midActivation = 0;
    let mixed = 0;
    let accountsOnly = 0;
    let running = 0;
    for (let round = 0; round < KILLS; round++) {
      const before = tree(root);
      const target = pick(GENERATIONS.filter((generation) => generation !== current));
      const killedArgs = round % 6 === 5 ? ["switch", "--machine", `g${target}`, "--root", root] : ["rollback", "--to", String(target), "--root", root];
      // A third of the kills are aimed at the replacing of the account files, which takes only milliseconds.
      const kill = await killDuringActivation(root, killedArgs, round % 3 === 0 ? { at: "accounts" } : { at: "activation", delayMs: Math.random() * window });
      const after = tree(root);
      if (existsSync(join(root, "var", "lib", "kiln", "activation-journal.json"))) midActivation++;
      const changed = Object.keys({ ...before, ...after }).filter((path) => before[path] !== after[path]);
      const wanted = expected.get(target) as Record<string, string>;
      const isAccountFile = (path: string): boolean => ACCOUNT_FILES.includes(path);
      const isManaged = (path: string): boolean => path.startsWith("etc/") && !isAccountFile(path) && !path.includes(".kiln-tmp-");
      const filesChanged = changed.some(isManaged);
      const filesUnlikeTarget = Object.keys({ ...after, ...wanted }).some((path) => isManaged(path) && after[path] !== wanted[path]);
      if (filesChanged && filesUnlikeTarget) mixed++;
      const accountTemporary = (path: string): boolean => /^etc\/\.(passwd|group|g?shadow)\.kiln-tmp-/.test(path);
      if (changed.some((path) => isAccountFile(path) || accountTemporary(path)) && !filesChanged) accountsOnly++;
      if (kill.killedRunning) running++;

      const next = pick(GENERATIONS);
      const how = pick(["rollback", "rollback", "switch", "switch --test"] as const);
      const args =
        how === "rollback" ? ["rollback", "--to", String(next), "--root", root] : ["switch", "--machine", `g${next}`, "--root", root, ...(how === "switch --test" ? ["--test"] : [])];
      const result = kiln(...args);
      expect(result.stderr, `round ${round}: ${args.join(" ")} after killing ${killedArgs.join(" ")}`).not.toMatch(/^error:/m);
      expect(result.status).toBe(0);
      expect(tree(root), `round ${round}: the root after '${args.join(" ")}' is generation ${next}`).toEqual(expected.get(next));
      expect(namesUnder(etc, (name) => name.endsWith(".before-kiln"))).toEqual([]);
      expect(namesUnder(root, (name) => name.includes(".kiln-tmp-") || /\.tmp-\d+$/.test(name))).toEqual([]);
      current = next;
    }
    console.log(`activation takes ${window} ms; ${KILLS} kills (${running} of a running process): ${midActivation} left an unfinished journal, ${mixed} left /etc half switched, ${accountsOnly} were replacing the account files`);
    // The kills must land inside activation, or the test proves nothing.
    expect(midActivation).toBeGreaterThanOrEqual(KILLS / 3);
    expect(mixed).toBeGreaterThanOrEqual(3);
    expect(accountsOnly).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
