// The link checker of the docs site, on a small site made for it: it finds
// each kind of broken link, and only those.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findBrokenLinks } from "../src/link-checker.js";

const site = mkdtempSync(join(tmpdir(), "kiln-links-"));
afterAll(() => rmSync(site, { recursive: true, force: true }));

function page(path: string, body: string): void {
  mkdirSync(join(site, path, ".."), { recursive: true });
  writeFileSync(join(site, path), `<!doctype html><html><body>${body}</body></html>`);
}

page("index.html", `<h1 id="top">Home</h1><a href="guide.html#use%20it">guide</a><a href="https://example.org/x.html">out</a><a href="#">top</a><a href="mailto:a@b">mail</a><script src="assets/app.js"></script>`);
page("guide.html", `<h2 id="use it">Use it</h2><a name="old"></a><a href="index.html#top">home</a><a href="guide.html#old">old</a><a href='api/?q=1'>api</a>`);
page("api/index.html", `<a href="../index.html">home</a><a href="../cli.html">cli</a><a href="classes/a.html#missing">a</a><a href="../../outside.html">outside</a><a href="x.html?a=1&amp;b=2">x</a>`);
page("api/classes/a.html", `<a href="../../guide.html#use it">guide</a><a href="../cli.html">cli</a>`);
mkdirSync(join(site, "assets"), { recursive: true });
writeFileSync(join(site, "assets/app.js"), "");

describe("findBrokenLinks", () => {
  it("reports links to missing files, missing fragments and outside the site, by page; external links, '#', ids and names are fine", () => {
    expect(findBrokenLinks(site)).toEqual([
      { page: "api/classes/a.html", link: "../cli.html", problem: "no file api/cli.html" },
      { page: "api/index.html", link: "../cli.html", problem: "no file cli.html" },
      { page: "api/index.html", link: "classes/a.html#missing", problem: "no element 'missing' in api/classes/a.html" },
      { page: "api/index.html", link: "../../outside.html", problem: "it leads outside the site" },
      { page: "api/index.html", link: "x.html?a=1&b=2", problem: "no file api/x.html" },
    ]);
  });

  it("checks search results as links from the root", () => {
    const broken = findBrokenLinks(site, ["guide.html#use%20it", "options.html#x", "index.html#nope"]).filter((item) => item.page === "search-index.js");
    expect(broken).toEqual([
      { page: "search-index.js", link: "options.html#x", problem: "no file options.html" },
      { page: "search-index.js", link: "index.html#nope", problem: "no element 'nope' in index.html" },
    ]);
  });
});
