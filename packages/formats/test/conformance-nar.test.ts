import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compressHash,
  encodeNixBase32,
  hashFileSync,
  hashPath,
  hashPathSync,
  makeFixedOutputPath,
  narChunks,
  unpackNar,
  type HashAlgorithm,
} from "../src/index.js";
import { readFixture } from "./conformance-fixtures.js";

interface Entry {
  readonly path: string;
  readonly type: "directory" | "regular" | "symlink";
  readonly executable?: boolean;
  readonly contentBase64?: string;
  readonly contentPatternBase64?: string;
  readonly size?: number;
  readonly target?: string;
}

interface Tree {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly entries: readonly Entry[];
  readonly narSize: number;
  readonly narBase64?: string;
  readonly narHash: Record<string, Record<string, string>>;
  readonly storePaths: { add: string; addFixedRecursive: Record<string, string>; addFixedFlat?: Record<string, string> };
  readonly fileHashes: readonly ({ path: string } & Record<string, Record<string, string> | string>)[];
}

const { trees } = readFixture<{ trees: Tree[] }>("nar.json");
let workspace = "";
const roots = new Map<string, string>();

function contents(entry: Entry): Buffer {
  if (entry.contentBase64 !== undefined) return Buffer.from(entry.contentBase64, "base64");
  const pattern = Buffer.from(entry.contentPatternBase64 ?? "", "base64");
  const size = entry.size ?? 0;
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += pattern.length) pattern.copy(out, at, 0, Math.min(pattern.length, size - at));
  return out;
}

/** Writes a fixture tree to disk, with the modes Nix saw. */
function materialise(tree: Tree, into: string): string {
  const root = join(into, tree.name);
  for (const entry of tree.entries) {
    const path = entry.path === "" ? root : join(root, entry.path);
    if (entry.type === "directory") mkdirSync(path, { recursive: true });
    else if (entry.type === "symlink") symlinkSync(entry.target ?? "", path);
    else {
      writeFileSync(path, contents(entry));
      chmodSync(path, entry.executable === true ? 0o755 : 0o644);
    }
  }
  return root;
}

function narOf(path: string): Buffer {
  return Buffer.concat([...narChunks(path)]);
}

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), "kiln-nar-"));
  for (const tree of trees) {
    const directory = join(workspace, tree.id);
    mkdirSync(directory);
    roots.set(tree.id, materialise(tree, directory));
  }
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe.each(trees.map((tree) => [`${tree.id} (${tree.kind})`, tree] as const))("NAR of %s matches Nix 2.8", (_label, tree) => {
  const root = (): string => roots.get(tree.id) as string;

  it("has the same bytes and size", () => {
    const nar = narOf(root());
    expect(nar.length).toBe(tree.narSize);
    if (tree.narBase64 !== undefined) expect(nar.toString("base64")).toBe(tree.narBase64);
  });

  it("has the same hashes in every algorithm and encoding", async () => {
    for (const algorithm of ["md5", "sha1", "sha256", "sha512"] as HashAlgorithm[]) {
      const expected = tree.narHash[algorithm] ?? {};
      const { hash, narSize } = hashPathSync(root(), algorithm);
      expect(narSize).toBe(tree.narSize);
      expect(hash.toBase16(), algorithm).toBe(expected["base16"]);
      if (expected["base32"] !== undefined) expect(hash.toNixBase32()).toBe(expected["base32"]);
      if (expected["sri"] !== undefined) expect(hash.toSri()).toBe(expected["sri"]);
      expect((await hashPath(root(), algorithm)).hash.toBase16()).toBe(expected["base16"]);
    }
    const sha256 = hashPathSync(root(), "sha256").hash;
    expect(encodeNixBase32(compressHash(sha256.bytes, 20))).toBe(tree.narHash["sha256"]?.["truncatedBase32"]);
  });

  it("gets the same store paths from nix-store --add and --add-fixed", () => {
    expect(makeFixedOutputPath("recursive", hashPathSync(root(), "sha256").hash, tree.name)).toBe(tree.storePaths.add);
    for (const [algorithm, path] of Object.entries(tree.storePaths.addFixedRecursive)) {
      expect(makeFixedOutputPath("recursive", hashPathSync(root(), algorithm as HashAlgorithm).hash, tree.name), algorithm).toBe(path);
    }
    for (const [algorithm, path] of Object.entries(tree.storePaths.addFixedFlat ?? {})) {
      expect(makeFixedOutputPath("flat", hashFileSync(root(), algorithm as HashAlgorithm), tree.name), algorithm).toBe(path);
    }
  });

  it("hashes its files flat as nix-hash --flat does", () => {
    for (const file of tree.fileHashes) {
      const path = file.path === "" ? root() : join(root(), file.path);
      for (const algorithm of ["md5", "sha1", "sha256", "sha512"] as HashAlgorithm[]) {
        const expected = file[algorithm] as Record<string, string> | undefined;
        if (expected === undefined) continue;
        const hash = hashFileSync(path, algorithm);
        expect(hash.toBase16()).toBe(expected["base16"]);
        if (expected["base32"] !== undefined) expect(hash.toNixBase32()).toBe(expected["base32"]);
        if (expected["sri"] !== undefined) expect(hash.toSri()).toBe(expected["sri"]);
      }
    }
  });

  it("unpacks to a tree with the same NAR", async () => {
    const target = join(workspace, `${tree.id}-unpacked`);
    await unpackNar(narChunks(root()), target);
    expect(narOf(target).equals(narOf(root()))).toBe(true);
    if (tree.entries[0]?.type === "regular") expect(readFileSync(target).equals(readFileSync(root()))).toBe(true);
  });
});

const hasNixHash = (await import("node:child_process")).spawnSync("nix-hash", ["--version"]).status === 0;

describe.skipIf(!hasNixHash)("random trees hash as real nix-hash hashes them", () => {
  it("agrees on 30 random trees", async () => {
    const { execFileSync } = await import("node:child_process");
    let seed = Number(process.env["KILN_NAR_SEED"] ?? Date.now() % 100000);
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const names = ["a", "B", "z", "é", "x y", "back\\slash", "new\nline", "😀", "-", ".hidden", "0"];
    const build = (path: string, depth: number): void => {
      mkdirSync(path);
      const count = Math.floor(random() * 4);
      const used = new Set<string>();
      for (let i = 0; i < count; i++) {
        const name = names[Math.floor(random() * names.length)] as string;
        if (used.has(name)) continue;
        used.add(name);
        const child = join(path, name);
        const kind = random();
        if (kind < 0.3 && depth < 3) build(child, depth + 1);
        else if (kind < 0.45) symlinkSync(`target-${Math.floor(random() * 100)}`, child);
        else {
          writeFileSync(child, Buffer.alloc(Math.floor(random() * 3000), Math.floor(random() * 256)));
          chmodSync(child, random() < 0.3 ? 0o755 : 0o644);
        }
      }
    };
    const startSeed = seed;
    for (let i = 0; i < 30; i++) {
      const root = join(workspace, `random-${i}`);
      build(root, 0);
      const expected = execFileSync("nix-hash", ["--type", "sha256", "--base32", root], { encoding: "utf8" }).trim();
      expect(hashPathSync(root, "sha256").hash.toNixBase32(), `seed ${startSeed}, tree ${i}`).toBe(expected);
    }
  });
});
