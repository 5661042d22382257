import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { debianMirrors, parseDeb822Sources, parseSourcesList } from "./apt-sources.js";
import { DebianMirrorError } from "./debian-errors.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function aptDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kiln-apt-"));
  dirs.push(dir);
  mkdirSync(join(dir, "sources.list.d"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("apt sources", () => {
  it("reads one-line entries, with options and comments", () => {
    expect(parseSourcesList("# a comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.test/debian bookworm main contrib\ndeb-src http://mirror.test/debian bookworm main\n")).toEqual([
      { types: ["deb"], uris: ["http://mirror.test/debian/"], suites: ["bookworm"], components: ["main", "contrib"], file: "sources.list" },
      { types: ["deb-src"], uris: ["http://mirror.test/debian/"], suites: ["bookworm"], components: ["main"], file: "sources.list" },
    ]);
  });

  it("reads deb822 paragraphs, skipping comments and disabled ones", () => {
    const text = "Types: deb\n# http://old.test/\nURIs: http://mirror.test/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://off.test/\nSuites: bookworm\nEnabled: no\n";
    expect(parseDeb822Sources(text)).toEqual([{ types: ["deb"], uris: ["http://mirror.test/debian/"], suites: ["bookworm", "bookworm-updates"], components: ["main"], file: "debian.sources" }]);
  });

  it("takes the mirrors of the sources that list the suite, from both formats", () => {
    const dir = aptDir({
      "sources.list": "deb http://one.test/debian bookworm main\n",
      "sources.list.d/debian.sources": "Types: deb\nURIs: http://two.test/debian\nSuites: bookworm\n\nTypes: deb\nURIs: http://security.test/debian-security\nSuites: bookworm-security\n",
    });
    expect(debianMirrors("bookworm", { aptDir: dir, env: {} })).toEqual(["http://one.test/debian/", "http://two.test/debian/"]);
    expect(debianMirrors("bookworm-security", { aptDir: dir, env: {} })).toEqual(["http://security.test/debian-security/"]);
  });

  it("prefers KILN_DEBIAN_MIRRORS, a list tried in turn", () => {
    const dir = aptDir({ "sources.list": "deb http://one.test/debian bookworm main\n" });
    expect(debianMirrors("bookworm", { aptDir: dir, env: { KILN_DEBIAN_MIRRORS: "http://a.test/debian, http://b.test/debian/" } })).toEqual(["http://a.test/debian/", "http://b.test/debian/"]);
  });

  it("says how to name a mirror when none is configured", () => {
    const dir = aptDir({});
    expect(() => debianMirrors("bookworm", { aptDir: dir, env: {} })).toThrow(DebianMirrorError);
    expect(() => debianMirrors("bookworm", { aptDir: dir, env: {} })).toThrow(/KILN_DEBIAN_MIRRORS/);
  });
});
