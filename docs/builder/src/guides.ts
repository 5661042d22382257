/**
 * The guides: `docs/*.md`, in reading order, each rendered into a page
 * named after its file (`docs/modules.md` → `modules.html`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { renderMarkdown, type Heading } from "./render-markdown.js";
import type { SearchEntry } from "./search-entry.js";

/** The guides in reading order; any other `docs/*.md` follows them in name order. */
export const GUIDE_ORDER: readonly string[] = ["getting-started", "pkgs", "fetchers", "debian", "modules", "machines", "secrets", "realisers", "nix-compatibility"];

/** A guide, rendered. */
export interface Guide {
  /** The file's name without `.md`. */
  readonly name: string;
  /** The page, relative to the site's root. */
  readonly url: string;
  /** The guide's first `# ` heading. */
  readonly title: string;
  /** The first paragraph, as plain text. */
  readonly summary: string;
  readonly html: string;
  readonly headings: readonly Heading[];
  /** The Markdown source (for search). */
  readonly markdown: string;
}

/** A guide without a `# Title` first heading. */
export class GuideFormatError extends Error {
  override readonly name = "GuideFormatError";
}

function plain(markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*_]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Reads and renders every guide of `docsDir`. */
export function readGuides(docsDir: string): Guide[] {
  const names = readdirSync(docsDir)
    .filter((file) => file.endsWith(".md"))
    .map((file) => basename(file, ".md"));
  const ordered = [...GUIDE_ORDER.filter((name) => names.includes(name)), ...names.filter((name) => !GUIDE_ORDER.includes(name)).sort()];
  return ordered.map((name) => {
    const file = join(docsDir, `${name}.md`);
    const markdown = readFileSync(file, "utf8");
    const titleLine = /^# (.+)$/m.exec(markdown);
    if (titleLine === null || !markdown.trimStart().startsWith("# ")) throw new GuideFormatError(`${file}: a guide must start with its title, a '# Title' line`);
    const afterTitle = markdown.slice((titleLine.index ?? 0) + titleLine[0].length);
    const firstParagraph = afterTitle.split(/\n\s*\n/).map((part) => part.trim()).find((part) => part !== "" && !part.startsWith("#") && !part.startsWith("<!--")) ?? "";
    const { html, headings } = renderMarkdown(markdown);
    return { name, url: `${name}.html`, title: plain(titleLine[1] as string), summary: plain(firstParagraph), html, headings, markdown };
  });
}

/** A search entry for each guide and each of its sections. */
export function guideSearchEntries(guide: Guide): SearchEntry[] {
  const entries: SearchEntry[] = [{ title: guide.title, url: guide.url, kind: "guide", detail: guide.summary.slice(0, 160) }];
  for (const heading of guide.headings) {
    if (heading.depth < 2 || heading.depth > 3) continue;
    entries.push({ title: heading.text, url: `${guide.url}#${heading.id}`, kind: "guide", detail: guide.title });
  }
  return entries;
}
