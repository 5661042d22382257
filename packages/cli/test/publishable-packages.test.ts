/**
 * Every workspace package packs as it would be published: its built `dist`
 * with declarations, README and licence, `exports` that point at files in
 * the tarball, no tests, and no `workspace:` range left for npm to choke on.
 * (The packing is pnpm's, which rewrites `workspace:` ranges as it publishes.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const PACKAGES = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "kiln-publishable-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Manifest {
  readonly name: string;
  readonly exports: Record<string, { types: string; default: string }>;
  readonly bin?: Record<string, string>;
}

it.each(["formats", "store", "activation", "config", "core", "debian", "modules", "pkgs", "cli"])("@kiln/%s packs with dist, declarations, README and licence, and no workspace: ranges", (name) => {
  const out = join(work, name);
  const packed = spawnSync("npx", ["--yes", "pnpm@10", "pack", "--pack-destination", out], { cwd: join(PACKAGES, name), encoding: "utf8" });
  expect(packed.status, packed.stderr).toBe(0);
  const tarball = packed.stdout.trim().split("\n").pop() ?? "";
  expect(spawnSync("tar", ["-xzf", tarball, "-C", out]).status).toBe(0);
  const root = join(out, "package");
  const text = readFileSync(join(root, "package.json"), "utf8");
  expect(text).not.toContain("workspace:");
  const manifest = JSON.parse(text) as Manifest;
  expect(manifest.name).toBe(`@kiln/${name}`);
  for (const file of ["README.md", "LICENSE", "dist/index.js", "dist/index.d.ts"]) expect(existsSync(join(root, file)), file).toBe(true);
  for (const target of Object.values(manifest.exports)) {
    expect(existsSync(join(root, target.types))).toBe(true);
    expect(existsSync(join(root, target.default))).toBe(true);
  }
  for (const bin of Object.values(manifest.bin ?? {})) expect(existsSync(join(root, bin))).toBe(true);
  const listed = spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" }).stdout;
  expect(listed).not.toMatch(/\.test\.(?:ts|js)$/m);
  expect(listed).not.toContain(".tsbuildinfo");
});
