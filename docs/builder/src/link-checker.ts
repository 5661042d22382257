/**
 * The link checker of the built site: every local `href` and `src` of every
 * HTML page (the guides, the references, typedoc's API pages) must name a
 * file of the site, and every `#fragment` an element of the page it points
 * at (an `id`, or an `<a name>`); so must every result the search can give.
 * Links to other sites are not followed: the site must work offline and
 * from `file://`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** The built site has links that lead nowhere; it is not published. */
export class BrokenLinksError extends Error {
  override readonly name = "BrokenLinksError";

  constructor(readonly broken: readonly BrokenLink[]) {
    const shown = broken.slice(0, 20).map((item) => `  ${item.page}: '${item.link}': ${item.problem}`);
    super(`${broken.length} broken link${broken.length === 1 ? "" : "s"} in the site:\n${shown.join("\n")}${broken.length > 20 ? `\n  … and ${broken.length - 20} more` : ""}`);
  }
}

/** A link that leads nowhere. */
export interface BrokenLink {
  /** The page holding it, relative to the site's root. */
  readonly page: string;
  /** The link as written. */
  readonly link: string;
  /** What is missing: the file, or the fragment in it. */
  readonly problem: string;
}

const ATTRIBUTE = /\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const ANCHOR = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
/** A scheme (`https:`, `mailto:`, `data:`) or `//host`: not a file of the site. */
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** An attribute value as the browser reads it (character references decoded). */
function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function decodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Every HTML file under `dir`, relative to it, with `/` as separator, in name order. */
function htmlFiles(root: string, dir: string = root): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...htmlFiles(root, path));
    else if (entry.name.endsWith(".html")) found.push(relative(root, path).split(sep).join("/"));
  }
  return found;
}

/**
 * Checks every page of the site in `siteDir`, and `searchLinks` (the
 * search index's URLs, relative to the root); returns the broken links
 * (none when the site is whole).
 */
export function findBrokenLinks(siteDir: string, searchLinks: readonly string[] = []): BrokenLink[] {
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (file: string): Set<string> => {
    let known = anchors.get(file);
    if (known === undefined) {
      known = new Set();
      for (const match of readFileSync(file, "utf8").matchAll(ANCHOR)) known.add(decodeAttribute(match[1] ?? match[2] ?? ""));
      anchors.set(file, known);
    }
    return known;
  };
  const name = (path: string): string => relative(siteDir, path).split(sep).join("/");
  /** What is wrong with `link` on the page `file`, if anything. */
  const problemOf = (file: string, link: string): string | undefined => {
    const hash = link.indexOf("#");
    const pathPart = (hash === -1 ? link : link.slice(0, hash)).replace(/\?.*$/, "");
    const fragment = hash === -1 ? undefined : decodeUri(link.slice(hash + 1));
    let target = pathPart === "" ? file : join(dirname(file), decodeUri(pathPart));
    if (name(target).startsWith("..")) return "it leads outside the site";
    if (existsSync(target) && statSync(target).isDirectory()) target = join(target, "index.html");
    if (!existsSync(target)) return `no file ${name(target)}`;
    // `#` alone is the top of the page; a fragment elsewhere than in HTML cannot be checked.
    if (fragment === undefined || fragment === "" || !target.endsWith(".html")) return undefined;
    return anchorsOf(target).has(fragment) ? undefined : `no element '${fragment}' in ${name(target)}`;
  };
  const broken: BrokenLink[] = [];
  for (const page of htmlFiles(siteDir)) {
    const file = join(siteDir, page);
    for (const match of readFileSync(file, "utf8").matchAll(ATTRIBUTE)) {
      const link = decodeAttribute(match[2] ?? match[3] ?? "");
      if (link === "" || EXTERNAL.test(link)) continue;
      const problem = problemOf(file, link);
      if (problem !== undefined) broken.push({ page, link, problem });
    }
  }
  // Search results are links of every page, made from the index: relative to the root.
  for (const link of searchLinks) {
    const problem = problemOf(join(siteDir, "search-index.js"), link);
    if (problem !== undefined) broken.push({ page: "search-index.js", link, problem });
  }
  return broken;
}
