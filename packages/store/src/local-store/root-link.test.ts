import { lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replaceRootSymlink } from "./root-link.js";
import { StoreError } from "./store-error.js";

describe("replaceRootSymlink", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kiln-root-link-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("leaves a link that already points at the target as it is (the same inode): registering a state's roots again after a switch writes nothing a kill could leave half-made", () => {
    const link = join(dir, "active");
    symlinkSync("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-system", link);
    const before = lstatSync(link).ino;
    replaceRootSymlink(link, "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-system");
    expect(lstatSync(link).ino).toBe(before);
    expect(readdirSync(dir)).toEqual(["active"]);
  });

  it("replaces a link to something else, or a dangling one, by a new link, and makes one where there is none", () => {
    const link = join(dir, "result");
    symlinkSync(join(dir, "gone"), link);
    replaceRootSymlink(link, "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-hello");
    expect(readlinkSync(link)).toBe("/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-hello");
    replaceRootSymlink(join(dir, "new"), "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-hello");
    expect(readlinkSync(join(dir, "new"))).toBe("/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-hello");
    expect(readdirSync(dir).sort()).toEqual(["new", "result"]);
  });

  it("refuses a file that is not a symlink in the link's place, leaving it as it was", () => {
    const file = join(dir, "result");
    writeFileSync(file, "mine\n");
    expect(() => replaceRootSymlink(file, "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-hello")).toThrow(StoreError);
    expect(lstatSync(file).isFile()).toBe(true);
  });
});
