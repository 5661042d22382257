/**
 * Export streams between Kiln and Nix 2.8 both ways: a closure Kiln exports
 * is taken by `nix-store --import` with the same paths, references, NAR
 * hashes and deriver, and what `nix-store --export` writes is imported by
 * Kiln and checked. A stream cut short or altered registers nothing.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { computeTextPath, hashPathSync, parseHash } from "@kiln/formats";
import { ExportError, exportPaths, importPaths, ImportError, LocalStore } from "../../src/index.js";

const hasNix = spawnSync("nix-store", ["--version"]).status === 0;

let root = "";
let storeDir = "";
let store: LocalStore;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-export-"));
  storeDir = join(root, "store");
  store = LocalStore.open({ storeDir, stateDir: join(root, "state") });
});
afterEach(() => {
  store.close();
  spawnSync("chmod", ["-R", "u+w", root]);
  rmSync(root, { recursive: true, force: true });
});

/** A Nix store whose paths are named under the Kiln store's directory but kept elsewhere (a chroot store). */
function nix(args: readonly string[], input?: Buffer): { stdout: Buffer; stderr: string; status: number | null } {
  const result = spawnSync("nix-store", ["--store", `local?root=${join(root, "nix")}&store=${storeDir}`, ...args], {
    input,
    env: { ...process.env, NIX_REMOTE: "" },
    maxBuffer: 1 << 28,
  });
  return { stdout: result.stdout, stderr: result.stderr.toString(), status: result.status };
}

function nixLines(args: readonly string[]): string[] {
  const result = nix(args);
  if (result.status !== 0) throw new Error(`nix-store ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.toString().trim().split("\n").filter((line) => line !== "");
}

/** A source tree (a directory, an executable, a symlink) and a text file referring to it, with a deriver. */
function addKilnClosure(): { tree: string; note: string; deriver: string } {
  const source = join(root, "src");
  mkdirSync(join(source, "bin"), { recursive: true });
  writeFileSync(join(source, "bin/tool"), "#!/bin/sh\necho tool\n");
  chmodSync(join(source, "bin/tool"), 0o755);
  writeFileSync(join(source, "data"), "x".repeat(100_000));
  symlinkSync("bin/tool", join(source, "link"));
  const { path: tree } = store.addFixed(source, "tree", "recursive", "sha256");
  const deriver = join(storeDir, "0c7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-note.drv");
  const text = `uses ${tree}/bin/tool\n`;
  const note = computeTextPath("note", text, [tree], storeDir);
  store.addText(note, text, [tree], deriver);
  return { tree, note, deriver };
}

function streamOf(paths: readonly string[], closure = true): Buffer {
  return Buffer.concat([...exportPaths(store, paths, { closure }).chunks]);
}

function storeEntries(): string[] {
  return readdirSync(storeDir).sort();
}

describe("kiln export", () => {
  it("writes each path after those it refers to, with the closure when asked", () => {
    const { tree, note } = addKilnClosure();
    expect(exportPaths(store, [note], { closure: true }).paths).toEqual([tree, note]);
    expect(exportPaths(store, [note]).paths).toEqual([note]);
  });

  it("refuses a path that is not valid, naming it", () => {
    const missing = join(storeDir, "00000000000000000000000000000000-missing");
    expect(() => exportPaths(store, [missing])).toThrow(ExportError);
    expect(() => exportPaths(store, [missing])).toThrow(`cannot export '${missing}': it is not a valid path of the store '${storeDir}'`);
  });

  it("refuses a path whose files changed since it was registered", () => {
    const { tree } = addKilnClosure();
    chmodSync(tree, 0o755);
    chmodSync(join(tree, "data"), 0o644);
    writeFileSync(join(tree, "data"), "changed");
    expect(() => streamOf([tree])).toThrow(/cannot export '.*-tree': its contents changed since it was registered/);
  });
});

describe.skipIf(!hasNix)("export streams with Nix 2.8", () => {
  it("a closure Kiln exports is imported by nix-store --import with the same paths, references, NAR hashes and deriver", () => {
    const { tree, note, deriver } = addKilnClosure();
    const imported = nix(["--import"], streamOf([note]));
    expect(imported.stderr).toBe("");
    expect(imported.status).toBe(0);
    expect(imported.stdout.toString().trim().split("\n")).toEqual([tree, note]);
    expect(nixLines(["--query", "--references", note])).toEqual([tree]);
    expect(nixLines(["--query", "--deriver", note])).toEqual([deriver]);
    for (const path of [tree, note]) {
      const kiln = parseHash(store.pathInfo(path)?.narHash as string);
      expect(nixLines(["--query", "--hash", path])).toEqual([`sha256:${kiln.toNixBase32()}`]);
    }
    // And Nix exports it back byte for byte as Kiln did.
    expect(nix(["--export", tree, note]).stdout.equals(streamOf([note]))).toBe(true);
  });

  it("imports what nix-store --export writes, registering its references and hashes as Nix has them", async () => {
    const source = join(root, "nix-src");
    mkdirSync(join(source, "sub"), { recursive: true });
    writeFileSync(join(source, "sub/file"), "from nix\n");
    symlinkSync("sub/file", join(source, "link"));
    const [added] = nixLines(["--add", source]);
    writeFileSync(join(root, "d.nix"), `derivation { name = "from-nix"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo" ]; src = ./nix-src; }`);
    const instantiated = spawnSync("nix-instantiate", ["--store", `local?root=${join(root, "nix")}&store=${storeDir}`, "--option", "substituters", "", join(root, "d.nix")], {
      env: { ...process.env, NIX_REMOTE: "" },
      encoding: "utf8",
    });
    expect(instantiated.status, instantiated.stderr).toBe(0);
    const drv = instantiated.stdout.trim();
    const closure = nixLines(["--query", "--requisites", drv]);
    const exported = nix(["--export", ...closure]);
    expect(exported.status).toBe(0);

    const result = await importPaths(store, exported.stdout);
    expect(result.paths).toEqual(closure);
    expect([...result.added].sort()).toEqual([...closure].sort());
    for (const path of closure) {
      const info = store.pathInfo(path);
      expect(info?.references).toEqual(nixLines(["--query", "--references", path]).sort());
      expect(`sha256:${parseHash(info?.narHash as string).toNixBase32()}`).toBe(nixLines(["--query", "--hash", path])[0]);
      expect(hashPathSync(path).hash.toBase16()).toBe(parseHash(info?.narHash as string).toBase16());
    }
    // The source is recognised as content-addressed; importing again changes nothing.
    expect(store.pathInfo(added as string)?.ca).toMatch(/^fixed:r:sha256:/);
    expect((await importPaths(store, exported.stdout)).added).toEqual([]);
  });
});

describe("kiln import", () => {
  /** Makes a stream in a store of its own, then reopens the test's (empty) store. */
  function foreignStream(): { stream: Buffer; tree: string; note: string } {
    const paths = addKilnClosure();
    const stream = streamOf([paths.note]);
    store.close();
    rmSync(storeDir, { recursive: true, force: true });
    spawnSync("chmod", ["-R", "u+w", storeDir]);
    rmSync(join(root, "state"), { recursive: true, force: true });
    store = LocalStore.open({ storeDir, stateDir: join(root, "state") });
    return { stream, ...paths };
  }

  it("registers a closure with its references and deriver", async () => {
    const { stream, tree, note, deriver } = { ...foreignStream(), deriver: join(storeDir, "0c7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-note.drv") };
    const result = await importPaths(store, stream);
    expect(result.added).toEqual([tree, note]);
    expect(store.pathInfo(note)?.references).toEqual([tree]);
    expect(store.pathInfo(note)?.deriver).toBe(deriver);
    expect(readFileSync(join(tree, "bin/tool"), "utf8")).toBe("#!/bin/sh\necho tool\n");
  });

  it("registers nothing from a stream cut short anywhere, and says where it ends", async () => {
    const { stream } = foreignStream();
    for (const length of [0, 4, 8, 200, Math.floor(stream.length / 2), stream.length - 60, stream.length - 8, stream.length - 1]) {
      const error = await importPaths(store, stream.subarray(0, length)).catch((caught: unknown) => caught);
      expect(error, `cut at ${length}`).toBeInstanceOf(ImportError);
      expect((error as Error).message, `cut at ${length}`).toMatch(/ends|truncated/);
      expect(store.database.allValidPaths()).toEqual([]);
      expect(storeEntries()).toEqual([]);
    }
  });

  it("refuses a stream whose path without a deriver (so content-addressed) was altered, naming it, and registers nothing", async () => {
    const { stream, tree } = foreignStream();
    const at = stream.indexOf("#!/bin/sh");
    const altered = Buffer.from(stream);
    altered.write("#!/bin/XX", at);
    const error = await importPaths(store, altered).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).path).toBe(tree);
    expect((error as Error).message).toContain(`'${tree}'`);
    expect(store.database.allValidPaths()).toEqual([]);
    expect(storeEntries()).toEqual([]);
  });

  it("refuses a reference that is neither in the stream nor valid, saying to export the closure", async () => {
    const { note } = addKilnClosure();
    const stream = streamOf([note], false);
    store.close();
    spawnSync("chmod", ["-R", "u+w", storeDir]);
    rmSync(storeDir, { recursive: true, force: true });
    rmSync(join(root, "state"), { recursive: true, force: true });
    store = LocalStore.open({ storeDir, stateDir: join(root, "state") });
    await expect(importPaths(store, stream)).rejects.toThrow(/refers to '.*-tree', which is neither in the export stream nor valid in the store \(export with --closure\)/);
    expect(storeEntries()).toEqual([]);
  });

  it("refuses paths of another store directory and bytes that are not an export stream", async () => {
    const { stream } = foreignStream();
    const other = LocalStore.open({ storeDir: join(root, "other-store"), stateDir: join(root, "other-state") });
    try {
      await expect(importPaths(other, stream)).rejects.toThrow(/belongs to the store '.*\/store', not to this one/);
    } finally {
      other.close();
    }
    await expect(importPaths(store, Buffer.from("not an export stream at all"))).rejects.toThrow(ImportError);
  });
});
