/**
 * Debian programs run from the store in FHS environments: jq, htop, git and
 * nginx-light built from the real archive run through their `bin/` wrappers
 * under bubblewrap, and every library the running program has mapped lies
 * in its closure (the host's libraries are not even mounted).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { findBubblewrap } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debian, type DebianPackageSet } from "../src/index.js";
import { SUITE, archiveUnavailable, cachedFetchSettings, testStore, type TestStore } from "./archive.js";

const bwrapWorks = findBubblewrap() !== undefined && spawnSync("bwrap", ["--ro-bind", "/", "/", "true"]).status === 0;
const unavailable = (await archiveUnavailable()) ?? (bwrapWorks ? undefined : "bubblewrap is not installed or cannot create namespaces here");
if (unavailable !== undefined) console.warn(`skipping the FHS environment tests: ${unavailable}`);

/** The process ids below `pid`. */
function descendants(pid: number): number[] {
  const children = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return parent === pid ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/**
 * The file `path` names inside the environment whose merged tree is `root`:
 * symlinks with absolute targets (libc6's `/lib64/ld-linux-x86-64.so.2`)
 * mean paths inside the environment, not on the host.
 */
function resolveInside(root: string, path: string): string {
  let current = path;
  for (let depth = 0; depth < 40; depth++) {
    const full = join(root, current);
    if (!lstatSync(full).isSymbolicLink()) return realpathSync(full);
    const target = readlinkSync(full);
    // The merged tree's own links point into the store.
    if (target.startsWith(`${dirname(root)}/`) || target.startsWith(`${dirname(dirname(root))}/`)) return realpathSync(full);
    current = isAbsolute(target) ? target : join(dirname(current), target);
  }
  throw new Error(`too many symlinks resolving '${path}' in '${root}'`);
}

describe.skipIf(unavailable !== undefined)("FHS environments of real Debian packages", () => {
  let dir: string;
  let store: TestStore;
  let deb: DebianPackageSet;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-fhs-"));
    store = testStore();
    deb = await debian({ suite: SUITE, lockFile: join(dir, "kiln.lock"), essential: false, fetchSettings: cachedFetchSettings() });
    const { failed } = await store.realise([deb.package("jq"), deb.package("htop")]);
    expect(failed).toEqual([]);
  }, 120_000);
  // Removing a store of whole closures takes a while on a busy machine.
  afterAll(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it("runs jq through its wrapper on a JSON document", () => {
    const jq = join(deb.package("jq").outPath, "bin/jq");
    const result = spawnSync(jq, ["-c", ".b[1] + 1"], { input: '{"a": 1, "b": [10, 41]}', encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("42\n");
  });

  it("runs htop --version", () => {
    const result = spawnSync(join(deb.package("htop").outPath, "bin/htop"), ["--version"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^htop 3\./);
  });

  it("writes the closure's ld.so.cache", () => {
    const cache = join(deb.package("jq").outPath, "root/etc/ld.so.cache");
    expect(existsSync(cache)).toBe(true);
    expect(readFileSync(cache).includes(Buffer.from("libonig.so.5"))).toBe(true);
  });

  it("loads only libraries of the closure: every file the running jq has mapped lies in a store path of its closure", async () => {
    const jq = deb.package("jq");
    const closure = readFileSync(join(jq.outPath, "kiln-debian/closure"), "utf8").trim().split("\n");
    const child = spawn(join(jq.outPath, "bin/jq"), ["."], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      // jq waits for its input; find it below the wrapper's bubblewrap.
      let maps: string | undefined;
      for (let attempt = 0; attempt < 100 && maps === undefined; attempt++) {
        await new Promise((done) => setTimeout(done, 50));
        for (const pid of descendants(child.pid as number)) {
          try {
            if (readlinkSync(`/proc/${pid}/exe`).endsWith("/usr/bin/jq")) maps = readFileSync(`/proc/${pid}/maps`, "utf8");
          } catch {
            // Gone or not ours.
          }
        }
      }
      expect(maps).toBeDefined();
      const files = [...new Set((maps as string).split("\n").flatMap((line) => /\s(\/\S+)$/.exec(line)?.[1] ?? []))].filter((file) => !file.startsWith("/dev/"));
      const libraries = files.filter((file) => /\.so/.test(file));
      expect(libraries.length).toBeGreaterThanOrEqual(3);
      // The loader may still have the environment's own ld.so.cache (a file the builder wrote, not a host file) mapped.
      const ownFile = (file: string): boolean => lstatSync(join(jq.outPath, "root", file), { throwIfNoEntry: false })?.isFile() === true;
      for (const file of files) expect([file, closure.some((tree) => file.startsWith(`${realpathSync(tree)}/`)) || ownFile(file)]).toEqual([file, true]);
    } finally {
      child.stdin.end('{"ok": true}');
      await new Promise((done) => child.on("close", done));
    }
    expect(JSON.parse(output)).toEqual({ ok: true });
  });
  it("runs tree, which the host need not have, and every library the loader loads (LD_DEBUG=libs) lies in its closure", async () => {
    const tree = deb.package("tree");
    expect((await store.realise([tree])).failed).toEqual([]);
    const closure = readFileSync(join(tree.outPath, "kiln-debian/closure"), "utf8").trim().split("\n").map((path) => realpathSync(path));
    const work = mkdtempSync(join(dir, "tree-"));
    spawnSync("mkdir", ["-p", join(work, "a/b")]);
    const result = spawnSync(join(tree.outPath, "bin/tree"), ["--noreport", "--charset=ascii", work], { encoding: "utf8", env: { ...process.env, LD_DEBUG: "libs" } });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${work}\n\`-- a\n    \`-- b\n`);
    // Paths the loader names are paths inside the environment: follow them through its merged tree.
    const loaded = [...new Set([...result.stderr.matchAll(/(?:calling init|trying file)=?:? ?(\/\S+)/g)].map((match) => match[1] as string))].filter((path) => existsSync(join(tree.outPath, "root", path)));
    expect(loaded.some((path) => /\/libc\.so\.6$/.test(path))).toBe(true);
    for (const path of loaded) {
      const real = resolveInside(join(tree.outPath, "root"), path);
      expect([path, closure.some((unpacked) => real.startsWith(`${unpacked}/`))]).toEqual([path, true]);
    }
  }, 120_000);
});

describe.skipIf(unavailable !== undefined)("an FHS environment with Debian's Essential base", () => {
  let dir: string;
  let store: TestStore;
  let deb: DebianPackageSet;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-fhs-essential-"));
    store = testStore();
    deb = await debian({ suite: SUITE, lockFile: join(dir, "kiln.lock"), fetchSettings: cachedFetchSettings() });
  }, 120_000);
  // Removing a store of whole closures takes a while on a busy machine.
  afterAll(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it("runs its runScript, a shell from the Essential base, with the packages' programs on the PATH", async () => {
    const env = deb.fhsEnv({ name: "tools", packages: ["jq", "tree"], runScript: "/bin/bash" });
    const { failed } = await store.realise([env]);
    expect(failed).toEqual([]);
    const work = join(dir, "work");
    const result = spawnSync(join(env.outPath, "bin/tools"), ["-c", `mkdir -p ${work}/a/b && echo '{"n": [1, 2]}' | jq '.n | add' && tree --noreport ${work} && readlink /bin/sh`], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`3\n${work}\n└── a\n    └── b\ndash\n`);
    expect(existsSync(join(env.outPath, "bin/jq"))).toBe(true);
    expect(existsSync(join(env.outPath, "bin/tree"))).toBe(true);
  }, 300_000);

  it("runs git: init and a commit in a temporary directory", async () => {
    const git = deb.package("git");
    expect((await store.realise([git])).failed).toEqual([]);
    const repo = join(dir, "repo");
    const run = (...args: string[]): string => {
      const result = spawnSync(join(git.outPath, "bin/git"), ["-c", "user.name=Kiln", "-c", "user.email=kiln@example.invalid", "-C", repo, ...args], { encoding: "utf8" });
      expect(result.stderr.replace(/^hint:.*\n/gm, "")).toBe("");
      return result.stdout;
    };
    spawnSync("mkdir", ["-p", repo]);
    run("init", "-q", "-b", "main");
    writeFileSync(join(repo, "README"), "hello\n");
    run("add", "README");
    run("commit", "-q", "-m", "first");
    expect(run("log", "--format=%s %an")).toBe("first Kiln\n");
  }, 300_000);

  it("checks a Kiln-written nginx config with nginx-light's nginx -t", async () => {
    const nginx = deb.package("nginx-light");
    expect((await store.realise([nginx])).failed).toEqual([]);
    const site = join(dir, "nginx");
    spawnSync("mkdir", ["-p", site]);
    const conf = join(site, "nginx.conf");
    writeFileSync(
      conf,
      [
        `pid ${site}/nginx.pid;`,
        `error_log stderr;`,
        "events {}",
        "http {",
        `  client_body_temp_path ${site}/body; proxy_temp_path ${site}/proxy; fastcgi_temp_path ${site}/fastcgi; uwsgi_temp_path ${site}/uwsgi; scgi_temp_path ${site}/scgi;`,
        `  access_log off;`,
        "  server { listen 127.0.0.1:8089; location / { return 200 'ok'; } }",
        "}",
        "",
      ].join("\n"),
    );
    const result = spawnSync(join(nginx.outPath, "bin/nginx"), ["-t", "-e", "stderr", "-c", conf], { encoding: "utf8" });
    expect(result.stderr).toMatch(/syntax is ok/);
    expect(result.stderr).toMatch(/test is successful/);
    expect(result.status).toBe(0);
  }, 300_000);
});
