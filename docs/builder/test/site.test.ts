/**
 * The documentation site, built as `pnpm run docs` builds it (typedoc failing on
 * any warning), opened in headless Chromium (Debian's `chromium`, driven by
 * playwright-core): the guides, an API page and an option's entry render,
 * and the search finds `mkDerivation` and an option by name.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, type BuiltSite } from "../src/build-site.js";
import { findBrokenLinks } from "../src/link-checker.js";
import type { SearchEntry } from "../src/search-entry.js";

const CHROMIUM = process.env["KILN_CHROMIUM"] ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the browser tests of the docs site: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json" };

/** A static file server for the built site, on loopback. */
function serve(dir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let outDir: string;
let site: BuiltSite;
let server: Server;
let browser: Browser | undefined;
let base: string;
const pageErrors: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await browser!.newPage();
  page.on("pageerror", (error) => pageErrors.push(`${path}: ${error.message}`));
  await page.goto(`${base}/${path}`);
  return page;
}

beforeAll(async () => {
  outDir = join(mkdtempSync(join(tmpdir(), "kiln-docs-")), "site");
  site = await buildSite({ outDir });
  server = await serve(outDir);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (hasChromium) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  if (outDir !== undefined) rmSync(join(outDir, ".."), { recursive: true, force: true });
});

describe("the docs site", () => {
  it("holds the guides, the references and a search index", () => {
    for (const page of ["index.html", "getting-started.html", "pkgs.html", "modules.html", "machines.html", "realisers.html", "nix-compatibility.html", "cli.html", "options.html", "home-options.html"]) {
      expect(site.pages).toContain(page);
    }
    expect(existsSync(join(outDir, "api/index.html"))).toBe(true);
    expect(existsSync(join(outDir, "api/functions/_kiln_core.derivation.html"))).toBe(true);
    expect(site.searchEntries).toBeGreaterThan(500);
    // The sample tests' directives never reach the page.
    expect(readFileSync(join(outDir, "pkgs.html"), "utf8")).not.toContain("<!-- test:");
  });

  it("every local href and src of every page, each #fragment, and every search result lead to something in the site", () => {
    const index = readFileSync(join(outDir, "search-index.js"), "utf8");
    const entries = JSON.parse(index.slice(index.indexOf("=") + 1).trim().replace(/;$/, "")) as SearchEntry[];
    expect(findBrokenLinks(outDir, entries.map((entry) => entry.url))).toEqual([]);
  });

  it("the toolbar of an API page, however deep, leads to the site's home, CLI reference and options, not the API's", () => {
    for (const page of ["api/index.html", "api/classes/_kiln_core.Derivation.html"]) {
      const html = readFileSync(join(outDir, page), "utf8");
      const toolbar = /<div id="tsd-toolbar-links">(.*?)<\/div>/s.exec(html)?.[1] ?? "";
      const targets = [...toolbar.matchAll(/href="([^"]*)"/g)].map((match) => resolve(dirname(join(outDir, page)), match[1] as string));
      expect(targets).toEqual([join(outDir, "index.html"), join(outDir, "cli.html"), join(outDir, "options.html")]);
    }
  });

  it("options declared inside submodules name the module declaring them", () => {
    const options = readFileSync(join(outDir, "options.html"), "utf8");
    expect(options).not.toContain("&lt;docs&gt;");
    const declaredIn = (name: string): string => new RegExp(`<section class="option" id="${name.replace(/[.*]/g, "\\$&")}">.*?Declared in</dt><dd>(.*?)</dd>`, "s").exec(options)?.[1] ?? "";
    expect(declaredIn("users.users.&lt;name&gt;.uid")).toBe("<code>@kiln/modules/machine/users/user-account.ts</code>");
    expect(declaredIn("environment.etc.&lt;name&gt;.text")).toBe("<code>@kiln/modules/machine/environment/etc.ts</code>");
    expect(declaredIn("services.nginx.virtualHosts.&lt;name&gt;.locations.&lt;name&gt;.root")).toBe("<code>@kiln/modules/machine/services/nginx-virtual-host.ts</code>");
    expect(declaredIn("services.openssh.hostKeys.*.path")).toBe("<code>@kiln/modules/machine/services/openssh.ts</code>");
  });

  it.skipIf(!hasChromium)("renders a guide, with the navigation to the others", async () => {
    const page = await open("index.html");
    await page.getByRole("link", { name: "Getting started", exact: false }).first().click();
    await expect.poll(() => page.url()).toContain("getting-started.html");
    expect(await page.locator("main h1").first().textContent()).toMatch(/\S/);
    expect(await page.locator("main pre code").count()).toBeGreaterThan(0);
    await page.locator(".sidebar").getByRole("link", { name: "CLI reference" }).click();
    expect(await page.locator("main h2#kiln-build").textContent()).toContain("kiln build");
    await page.close();
  });

  it.skipIf(!hasChromium)("renders an API page, whose toolbar leads to the CLI reference", async () => {
    const page = await open("api/functions/_kiln_core.derivation.html");
    expect(await page.locator("h1").first().textContent()).toContain("derivation");
    expect(await page.content()).toContain(".drv");
    await page.locator("#tsd-toolbar-links").getByRole("link", { name: "CLI reference" }).click();
    await expect.poll(() => page.url()).toBe(`${base}/cli.html`);
    expect(await page.locator("main h2#kiln-build").textContent()).toContain("kiln build");
    await page.close();
  });

  it.skipIf(!hasChromium)("renders an option's entry: description, type, default, declaration", async () => {
    const page = await open("options.html#services.nginx.enable");
    const entry = page.locator('section.option[id="services.nginx.enable"]');
    await expect.poll(() => entry.isVisible()).toBe(true);
    const text = (await entry.textContent()) ?? "";
    expect(text).toContain("services.nginx.enable");
    expect(text).toContain("boolean");
    expect(text).toContain("false");
    expect(text).toContain("@kiln/modules/machine/services/nginx.ts");
    await page.close();
  });

  it.skipIf(!hasChromium)("search finds mkDerivation and leads to its documentation", async () => {
    const page = await open("modules.html");
    await page.locator("#search").fill("mkDerivation");
    const first = page.locator("#search-results li a").first();
    expect(await first.locator(".title").textContent()).toBe("mkDerivation");
    await first.click();
    await expect.poll(() => page.url()).toContain("/api/");
    // The URL changes before the new page has loaded: wait for its text.
    await expect.poll(() => page.content()).toContain("mkDerivation");
    await page.close();
  });

  it.skipIf(!hasChromium)("search finds an option by name and leads to its entry", async () => {
    const page = await open("index.html");
    await page.locator("#search").fill("services.openssh.enable");
    const first = page.locator("#search-results li a").first();
    expect(await first.locator(".kind").textContent()).toBe("Option");
    expect(await first.locator(".title").textContent()).toBe("services.openssh.enable");
    await first.click();
    await expect.poll(() => page.url()).toContain("options.html#services.openssh.enable");
    await expect.poll(() => page.locator('section.option[id="services.openssh.enable"]').isVisible()).toBe(true);
    await page.close();
  });

  it.skipIf(!hasChromium)("search finds a guide section and a command; nothing for nonsense", async () => {
    const page = await open("cli.html");
    await page.locator("#search").fill("priorities");
    await expect.poll(() => page.locator("#search-results li a .kind").allTextContents()).toContain("Guide");
    await page.locator("#search").fill("kiln switch");
    expect(await page.locator("#search-results li a .title").first().textContent()).toBe("kiln switch");
    await page.locator("#search").fill("qqxxzzy");
    expect(await page.locator("#search-results li").first().textContent()).toBe("Nothing found");
    await page.close();
  });

  it.skipIf(!hasChromium)("ran without a script error", () => {
    expect(pageErrors).toEqual([]);
  });
});
