/**
 * `kiln prefetch` and `kiln fix-hashes` as a user runs them, against a
 * loopback HTTP(S) server: hashes printed and checked against Nix, sources
 * added to the store, and wrong hashes repaired in the user's TypeScript so
 * that the next build succeeds.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { redirect, serve, stalling, startLoopbackServer, TEST_CERTIFICATE, type LoopbackServer } from "../../store/test/fetch/loopback-server.js";
import { runKilnAsync } from "./run-kiln.js";

const hasNix = spawnSync("nix-prefetch-url", ["--version"]).status === 0;

/** A .tar.gz with one top-level directory, made by Python's tarfile. */
function makeTarball(path: string, top: string): Buffer {
  const script = `
import io, tarfile, sys
with tarfile.open(sys.argv[1], "w:gz") as archive:
    for name, data, mode in [("${top}/README", b"hello\\n", 0o644), ("${top}/bin/tool", b"#!/bin/sh\\necho tool\\n", 0o755)]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = mode
        archive.addfile(info, io.BytesIO(data))
`;
  const result = spawnSync("python3", ["-c", script, path], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return readFileSync(path);
}

function sri(bytes: Buffer | string): string {
  return `sha256-${createHash("sha256").update(bytes).digest("base64")}`;
}

let server: LoopbackServer;
let secure: LoopbackServer;
let root: string;
let env: NodeJS.ProcessEnv;
let tarball: Buffer;
beforeAll(async () => {
  server = await startLoopbackServer();
  secure = await startLoopbackServer({ https: true });
  const scratch = mkdtempSync(join(tmpdir(), "kiln-tarball-"));
  tarball = makeTarball(join(scratch, "project-1.0.tar.gz"), "project-1.0");
  rmSync(scratch, { recursive: true });
  server.route("/dist/project-1.0.tar.gz", serve(tarball));
  server.route("/notes.txt", serve("release notes\n"));
  secure.route("/owner/project/archive/v1.0.tar.gz", serve(tarball));
});
afterAll(async () => {
  await server.close();
  await secure.close();
});
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-fetch-cli-"));
  env = { KILN_STORE_DIR: join(root, "store"), NIX_SSL_CERT_FILE: TEST_CERTIFICATE, KILN_FETCH_ATTEMPTS: "1" };
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

describe("kiln prefetch", () => {
  it("prints the SRI hash and the store path of a file, and adds it to the store", async () => {
    const run = await runKilnAsync(["prefetch", `${server.url}/notes.txt`], root, env);
    expect(run.status, run.stderr).toBe(0);
    const [hash, path] = run.stdout.trim().split("\n");
    expect(hash).toBe(sri("release notes\n"));
    expect(path).toMatch(new RegExp(`^${join(root, "store")}/[0-9a-z]{32}-notes\\.txt$`));
    expect(readFileSync(path as string, "utf8")).toBe("release notes\n");
    const info = await runKilnAsync(["path-info", path as string], root, env);
    expect(info.status, info.stderr).toBe(0);
  });

  it.skipIf(!hasNix)("with --unpack prints the hash nix-prefetch-url --unpack prints, and the store path fetchzip gives", async () => {
    const run = await runKilnAsync(["prefetch", "--unpack", "--json", `${server.url}/dist/project-1.0.tar.gz`], root, env);
    expect(run.status, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { hash: string; nixBase32: string; path: string };
    writeFileSync(join(root, "t.tar.gz"), tarball);
    const nix = spawnSync("nix-prefetch-url", ["--unpack", "--type", "sha256", `file://${join(root, "t.tar.gz")}`, "--option", "substituters", "", "--store", join(root, "nix")], {
      encoding: "utf8",
      env: { ...process.env, NIX_REMOTE: "" },
    });
    expect(nix.status, nix.stderr).toBe(0);
    expect(printed.nixBase32).toBe(nix.stdout.trim());
    expect(printed.path.endsWith("-source")).toBe(true);
    expect(readFileSync(join(printed.path, "README"), "utf8")).toBe("hello\n");
  });

  it("prefetches github:OWNER/REPO/REV over https", async () => {
    const run = await runKilnAsync(["prefetch", "github:owner/project/v1.0", "--github-base", secure.host], root, env);
    expect(run.status, run.stderr).toBe(0);
    const [hash, path] = run.stdout.trim().split("\n");
    expect(hash).toMatch(/^sha256-/);
    expect(path?.endsWith("-source")).toBe(true);
    expect(spawnSync(join(path as string, "bin", "tool"), { encoding: "utf8" }).stdout).toBe("tool\n");
  });

  it("refuses a redirect to a local file: nothing of it enters the store, and its hash is never printed", async () => {
    const secret = join(root, "shadow");
    writeFileSync(secret, "root:$6$secret-hash:19000:0:99999:7:::\n", { mode: 0o600 });
    const secretHashes = [sri(readFileSync(secret)), createHash("sha256").update(readFileSync(secret)).digest("hex")];
    server.route("/x", redirect(`file://${secret}`));
    const run = await runKilnAsync(["prefetch", `${server.url}/x`], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error: unable to download '${server.url}/x': refusing the redirect to 'file://${secret}' (a redirect from http may only go to http or https)`);
    expect(run.stdout).toBe("");
    const store = join(root, "store");
    expect(existsSync(store) ? readdirSync(store).filter((name) => !name.startsWith(".")) : []).toEqual([]);

    writeFileSync(
      join(root, "kiln.ts"),
      `import { fetchurl } from "@kiln/core";\nexport default fetchurl({ url: "${server.url}/x", name: "x", hash: "${sri("not the file")}" });\n`,
    );
    const build = await runKilnAsync(["build", "kiln.ts", "--no-link"], root, env);
    expect(build.status).toBe(1);
    expect(build.stderr).toContain(`refusing the redirect to 'file://${secret}'`);
    expect(build.stderr).not.toContain("hash mismatch");
    for (const hash of secretHashes) expect(build.stderr + build.stdout).not.toContain(hash.replace(/^sha256-/, ""));
    expect(readdirSync(store).filter((name) => name.endsWith("-x"))).toEqual([]);
  });

  it("refuses a redirect from https down to http", async () => {
    secure.route("/downgrade", redirect(`${server.url}/notes.txt`));
    const run = await runKilnAsync(["prefetch", `${secure.url}/downgrade`], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`refusing the redirect to '${server.url}/notes.txt' (a redirect from https may only go to https)`);
  });

  it("abandons a stalled transfer after KILN_FETCH_TIMEOUT seconds, keeping nothing", async () => {
    server.route("/stalls.tar.gz", stalling());
    const run = await runKilnAsync(["prefetch", `${server.url}/stalls.tar.gz`], root, { ...env, KILN_FETCH_TIMEOUT: "0.5" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error: unable to download '${server.url}/stalls.tar.gz': received nothing for 0.5 s (timeout)`);
    const store = join(root, "store");
    expect(existsSync(store) ? readdirSync(store).filter((name) => !name.startsWith(".")) : []).toEqual([]);
  });

  it("says what is wrong with a URL that does not exist", async () => {
    const run = await runKilnAsync(["prefetch", `${server.url}/nothing-here.tar.gz`], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error: unable to download '${server.url}/nothing-here.tar.gz': HTTP error 404`);
  });
});

describe("kiln fix-hashes", () => {
  it("rewrites wrong and empty hashes in place, keeping the formatting, and the next build succeeds", async () => {
    const wrong = sri("not the notes");
    const source = `import { derivation, fetchurl, fetchzip, fetchFromGitHub } from "@kiln/core";

// The notes: hash left empty on purpose.
const notes = fetchurl({ url: "${server.url}/notes.txt", hash: '' });

const project = fetchzip({
  url: "${server.url}/dist/project-1.0.tar.gz",
  hash: "${wrong}", // copied from the wrong release
});

const fromGitHub = fetchFromGitHub({ owner: "owner", repo: "project", rev: "v1.0", githubBase: "${secure.host}", hash: "" });

export default derivation({
  name: "uses-sources",
  system: "x86_64-linux",
  builder: "/bin/sh",
  PATH: "/usr/bin:/bin",
  args: ["-c", \`cat \${notes} \${project}/README \${fromGitHub}/README > "$out"\`],
});
`;
    const file = join(root, "kiln.ts");
    writeFileSync(file, source);
    const failing = await runKilnAsync(["build", "kiln.ts", "--no-link", "--no-sandbox"], root, env);
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain("hash mismatch in fixed-output derivation");

    const fix = await runKilnAsync(["fix-hashes", "kiln.ts"], root, env);
    expect(fix.status, fix.stderr).toBe(0);
    const fixed = readFileSync(file, "utf8");
    const notesHash = sri("release notes\n");
    expect(fixed).toContain(`const notes = fetchurl({ url: "${server.url}/notes.txt", hash: '${notesHash}' });`);
    expect(fixed).toMatch(/ {2}hash: "sha256-[A-Za-z0-9+/]{43}=", \/\/ copied from the wrong release\n/);
    expect(fixed).not.toContain(wrong);
    // Only the literals changed: the rest of the file is byte for byte the same.
    const blank = (text: string): string => text.replace(/(hash: )(['"])[^'"]*\2/g, "$1$2$2");
    expect(blank(fixed)).toBe(blank(source));
    expect(fix.stdout).toContain(`${file}:4: hash "" -> "${notesHash}"`);
    expect(fix.stdout.trim().split("\n")).toHaveLength(3);
    expect(fix.stderr).toContain("3 fetchers checked: 3 hashes fixed, 0 already right");

    const build = await runKilnAsync(["build", "kiln.ts", "--no-link", "--no-sandbox"], root, env);
    expect(build.status, build.stderr).toBe(0);
    expect(readFileSync(build.stdout.trim(), "utf8")).toBe("release notes\nhello\nhello\n");

    const again = await runKilnAsync(["fix-hashes", "kiln.ts"], root, env);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toContain("3 fetchers checked: 0 hashes fixed, 3 already right");
  });

  it("reports a failed fetch once, and counts it in its summary", async () => {
    const file = join(root, "kiln.ts");
    writeFileSync(
      file,
      `import { fetchurl } from "@kiln/core";
export const missing = fetchurl({ url: "${server.url}/missing.txt", hash: "" });
export const notes = fetchurl({ url: "${server.url}/notes.txt", hash: "" });
`,
    );
    const fix = await runKilnAsync(["fix-hashes", "kiln.ts#missing"], root, env);
    expect(fix.status).toBe(1);
    const count = (text: string, part: string): number => text.split(part).length - 1;
    expect(count(fix.stderr, `unable to download '${server.url}/missing.txt': HTTP error 404`), fix.stderr).toBe(1);
    expect(count(fix.stderr, "-missing.txt.drv' failed"), fix.stderr).toBe(1);
    expect(fix.stderr).toContain("1 fetcher checked: 0 hashes fixed, 0 already right, 1 failed");

    writeFileSync(
      file,
      `import { derivation, fetchurl } from "@kiln/core";
const missing = fetchurl({ url: "${server.url}/missing.txt", hash: "" });
const notes = fetchurl({ url: "${server.url}/notes.txt", hash: "" });
export default derivation({ name: "both", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", \`cat \${missing} \${notes} > $out\`] });
`,
    );
    const both = await runKilnAsync(["fix-hashes", "kiln.ts"], root, env);
    expect(both.status).toBe(1);
    expect(count(both.stderr, `unable to download '${server.url}/missing.txt': HTTP error 404`), both.stderr).toBe(1);
    expect(both.stdout).toContain(`${file}:3: hash "" -> "${sri("release notes\n")}"`);
    expect(both.stderr).toContain("2 fetchers checked: 1 hash fixed, 0 already right, 1 failed");
  });

  it("refuses a hash whose padding bits are not zero, naming the call, and rewrites nothing", async () => {
    const file = join(root, "kiln.ts");
    // The right hash's last base64 digit before '=' made one larger: the same bytes, but not the text Kiln would print.
    const right = sri("release notes\n");
    const digits = right.slice(0, -1);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const bumped = `${digits.slice(0, -1)}${alphabet[alphabet.indexOf(digits.slice(-1)) + 1] ?? ""}=`;
    const source = `import { fetchurl } from "@kiln/core";\nexport default fetchurl({ url: "${server.url}/notes.txt", hash: "${bumped}" });\n`;
    writeFileSync(file, source);
    for (const command of [["build", "kiln.ts", "--no-link"], ["fix-hashes", "kiln.ts"]]) {
      const run = await runKilnAsync(command, root, env);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`kiln.ts:2:16: fetchurl: bad hash for '${server.url}/notes.txt': invalid base64 in sha256 hash '${bumped}': its last digit`);
      expect(run.stdout).toBe("");
    }
    expect(readFileSync(file, "utf8")).toBe(source);
  });

  it("changes nothing and says so when the hash cannot be located", async () => {
    const file = join(root, "kiln.ts");
    const source = `import { fetchurl } from "@kiln/core";
const hash = ["", ""].join("");
export default fetchurl({ url: "${server.url}/notes.txt", hash });
`;
    writeFileSync(file, source);
    const fix = await runKilnAsync(["fix-hashes", "kiln.ts"], root, env);
    expect(fix.status).toBe(1);
    expect(fix.stderr).toMatch(/cannot find hash: "" as a string literal; set it to "sha256-.*" by hand/);
    expect(readFileSync(file, "utf8")).toBe(source);
    expect(existsSync(join(root, "result"))).toBe(false);
  });
});
