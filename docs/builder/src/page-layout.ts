/**
 * The frame every page of the site (but typedoc's) shares: a header with
 * the search box, the navigation, the content.
 */
import { escapeHtml } from "./html.js";

/** A link of the navigation. */
export interface NavLink {
  readonly title: string;
  /** Relative to the site's root. */
  readonly url: string;
}

/** What {@link renderPage} needs. */
export interface PageSpec {
  readonly title: string;
  /** The page's HTML content. */
  readonly body: string;
  /** The page's own URL, relative to the site's root; links are made relative to it. */
  readonly url: string;
  readonly nav: readonly NavLink[];
}

/** `../` as often as `url` is deep, so the site works from any directory and from `file://`. */
export function rootPrefix(url: string): string {
  return "../".repeat(url.split("/").length - 1);
}

/** The whole HTML document of a page. */
export function renderPage(page: PageSpec): string {
  const prefix = rootPrefix(page.url);
  const nav = page.nav
    .map((link) => `<li${link.url === page.url ? ' class="current"' : ""}><a href="${escapeHtml(prefix + link.url)}">${escapeHtml(link.title)}</a></li>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Kiln</title>
<link rel="stylesheet" href="${prefix}assets/style.css">
<script src="${prefix}search-index.js" defer></script>
<script src="${prefix}assets/search.js" defer></script>
</head>
<body data-root="${escapeHtml(prefix)}">
<header class="site-header">
<a class="brand" href="${prefix}index.html">Kiln</a>
<div class="search"><input id="search" type="search" placeholder="Search the docs, API and options" autocomplete="off" aria-label="Search"><ol id="search-results" hidden></ol></div>
</header>
<div class="layout">
<nav class="sidebar"><ul>
${nav}
</ul></nav>
<main>
${page.body}
</main>
</div>
</body>
</html>
`;
}
