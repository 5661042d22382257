/**
 * `buildSite`: the whole documentation site in one directory: the guides,
 * the CLI reference, the options references, the API reference (typedoc)
 * and a search over all of them that runs in the browser (also from
 * `file://`). What `pnpm run docs` runs; a broken link anywhere in the
 * site fails it, as an undocumented export does.
 */
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApiReference } from "./api-reference.js";
import { cliReferenceMarkdown, cliSearchEntries } from "./cli-reference.js";
import { guideSearchEntries, readGuides } from "./guides.js";
import { BrokenLinksError, findBrokenLinks } from "./link-checker.js";
import { escapeHtml } from "./html.js";
import { optionSearchEntries, optionsPages, renderOptionsPage } from "./options-reference.js";
import { renderPage, type NavLink } from "./page-layout.js";
import { renderMarkdown } from "./render-markdown.js";
import type { SearchEntry } from "./search-entry.js";

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  /** The repository (holding `docs/` and `packages/`); by default the one this builder is in. */
  readonly repository?: string;
  /** Where the site goes; by default `docs/site` of the repository. It is replaced only once the new site is complete. */
  readonly outDir?: string;
}

/** What {@link buildSite} made. */
export interface BuiltSite {
  readonly outDir: string;
  /** Every HTML page outside the API reference, relative to `outDir`. */
  readonly pages: readonly string[];
  /** How many entries the search holds. */
  readonly searchEntries: number;
}

const builderDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function homePage(guides: readonly { url: string; title: string; summary: string }[]): string {
  const items = guides.map((guide) => `<li><a href="${escapeHtml(guide.url)}">${escapeHtml(guide.title)}</a>: ${escapeHtml(guide.summary)}</li>`).join("\n");
  return `<h1>Kiln documentation</h1>
<p>Kiln declares packages and machines in TypeScript, with Nix's semantics: the same <code>.drv</code> files and store paths as Nix, NixOS-style modules, and a realiser of your choice to build them.</p>
<h2 id="guides">Guides</h2>
<ol class="guides">
${items}
</ol>
<h2 id="reference">Reference</h2>
<ul>
<li><a href="cli.html">CLI reference</a>: every <code>kiln</code> command and option.</li>
<li><a href="options.html">Machine options</a> and <a href="home-options.html">home options</a>: every option of <code>@kiln/modules</code>.</li>
<li><a href="api/index.html">API reference</a>: every export of <code>@kiln/core</code> (and of <code>@kiln/formats</code>, <code>@kiln/store</code>, <code>@kiln/activation</code> and <code>@kiln/config</code>, which it gathers), <code>@kiln/modules</code>, <code>@kiln/pkgs</code> and <code>@kiln/cli</code>.</li>
</ul>`;
}

/** Builds the site (see the file comment); throws, leaving the old site in place, if anything is wrong. */
export async function buildSite(options: BuildSiteOptions = {}): Promise<BuiltSite> {
  const repository = resolve(options.repository ?? join(builderDir, "../.."));
  const outDir = resolve(options.outDir ?? join(repository, "docs/site"));
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const guides = readGuides(join(repository, "docs"));
    const cli = renderMarkdown(cliReferenceMarkdown());
    const optionPages = optionsPages();
    const nav: NavLink[] = [
      { title: "Home", url: "index.html" },
      ...guides.map((guide) => ({ title: guide.title, url: guide.url })),
      { title: "CLI reference", url: "cli.html" },
      ...optionPages.map((page) => ({ title: page.title, url: page.url })),
      { title: "API reference", url: "api/index.html" },
    ];
    const pages: { url: string; title: string; body: string }[] = [
      { url: "index.html", title: "Kiln documentation", body: homePage(guides) },
      ...guides.map((guide) => ({ url: guide.url, title: guide.title, body: guide.html })),
      { url: "cli.html", title: "CLI reference", body: cli.html },
      ...optionPages.map((page) => ({ url: page.url, title: page.title, body: renderOptionsPage(page) })),
    ];
    const entries: SearchEntry[] = [
      ...guides.flatMap(guideSearchEntries),
      ...cliSearchEntries(),
      ...optionPages.flatMap(optionSearchEntries),
      ...(await buildApiReference(repository, join(staging, "api"))),
    ];
    for (const page of pages) writeFileSync(join(staging, page.url), renderPage({ ...page, nav }));
    cpSync(join(builderDir, "assets"), join(staging, "assets"), { recursive: true });
    // A script, not JSON, so that search works when the site is opened from file://.
    writeFileSync(join(staging, "search-index.js"), `window.KILN_SEARCH_INDEX = ${JSON.stringify(entries)};\n`);
    const broken = findBrokenLinks(staging, entries.map((entry) => entry.url));
    if (broken.length > 0) throw new BrokenLinksError(broken);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(dirname(outDir), { recursive: true });
    renameSync(staging, outDir);
    return { outDir, pages: pages.map((page) => page.url), searchEntries: entries.length };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
