/**
 * Markdown to HTML for the guides: headings get anchors, links to other
 * guides (`modules.md#priorities`) point at their pages, and the
 * `<!-- test: … -->` comments the sample tests read stay invisible.
 */
import { Marked, type Tokens } from "marked";
import { escapeHtml, slug } from "./html.js";

/** A heading of a rendered guide. */
export interface Heading {
  readonly depth: number;
  readonly text: string;
  readonly id: string;
}

/** A rendered guide. */
export interface RenderedMarkdown {
  readonly html: string;
  readonly headings: readonly Heading[];
}

/**
 * Where a link of a guide goes on the site: `x.md` becomes `x.html`;
 * `undefined` for a file of the repository outside `docs/` (`../examples/…`),
 * which the site does not hold.
 */
export function siteLink(href: string): string | undefined {
  if (/^[a-z][\w+.-]*:/i.test(href) || href.startsWith("#")) return href;
  if (href.startsWith("../")) return undefined;
  const [path = "", anchor] = href.split("#", 2);
  const target = /\.md$/i.test(path) ? path.replace(/\.md$/i, ".html") : path;
  return anchor === undefined ? target : `${target}#${anchor}`;
}

/** Renders one guide. */
export function renderMarkdown(markdown: string): RenderedMarkdown {
  const headings: Heading[] = [];
  const used = new Map<string, number>();
  const marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      heading(this: { parser: { parseInline(tokens: Tokens.Heading["tokens"]): string } }, token: Tokens.Heading): string {
        const inner = this.parser.parseInline(token.tokens);
        const base = slug(token.text) || "section";
        const count = used.get(base) ?? 0;
        used.set(base, count + 1);
        const id = count === 0 ? base : `${base}-${count}`;
        headings.push({ depth: token.depth, text: token.text.replace(/`/g, ""), id });
        return `<h${token.depth} id="${escapeHtml(id)}"><a class="anchor" href="#${escapeHtml(id)}">#</a>${inner}</h${token.depth}>\n`;
      },
      link(this: { parser: { parseInline(tokens: Tokens.Link["tokens"]): string } }, token: Tokens.Link): string {
        const text = this.parser.parseInline(token.tokens);
        const target = siteLink(token.href);
        // The repository's own files: named, since the site cannot link them.
        if (target === undefined) return `<span class="repo-path" title="in the repository: ${escapeHtml(token.href.replace(/^(\.\.\/)+/, ""))}">${text}</span>`;
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
        return `<a href="${escapeHtml(target)}"${title}>${text}</a>`;
      },
      code(token: Tokens.Code): string {
        const language = (token.lang ?? "").split(/\s/)[0] ?? "";
        const className = language === "" ? "" : ` class="language-${escapeHtml(language)}"`;
        return `<pre><code${className}>${escapeHtml(token.text)}</code></pre>\n`;
      },
      html(token: Tokens.HTML | Tokens.Tag): string {
        return /^\s*<!--\s*test:/.test(token.text) ? "" : token.text;
      },
    },
  });
  const html = marked.parse(markdown, { async: false });
  return { html, headings };
}
