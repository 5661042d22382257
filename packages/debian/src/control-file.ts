/**
 * Debian's control-file syntax (deb822, Debian policy §5.1), the format of
 * `Release`, `Packages` and apt's `*.sources` files: paragraphs separated by
 * blank lines, each a list of `Field: value` lines whose continuation lines
 * start with a space or tab.
 */

/** One paragraph: field names as written (their case kept), values with continuation lines joined by `\n`. */
export type ControlParagraph = Map<string, string>;

/**
 * Parses `text` into paragraphs. Lines starting with `#` are comments (apt's
 * `.sources` files allow them). Field names are matched case-insensitively
 * by {@link controlField}.
 */
export function parseControlFile(text: string): ControlParagraph[] {
  const paragraphs: ControlParagraph[] = [];
  let current: ControlParagraph | undefined;
  let last: string | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      current = undefined;
      last = undefined;
      continue;
    }
    if (line.startsWith("#")) continue;
    if ((line.startsWith(" ") || line.startsWith("\t")) && current !== undefined && last !== undefined) {
      current.set(last, `${current.get(last) ?? ""}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    if (current === undefined) {
      current = new Map();
      paragraphs.push(current);
    }
    last = line.slice(0, colon);
    current.set(last, line.slice(colon + 1).trim());
  }
  return paragraphs;
}

/** The value of field `name` in `paragraph`, matched case-insensitively. */
export function controlField(paragraph: ControlParagraph, name: string): string | undefined {
  const exact = paragraph.get(name);
  if (exact !== undefined) return exact;
  const wanted = name.toLowerCase();
  for (const [field, value] of paragraph) if (field.toLowerCase() === wanted) return value;
  return undefined;
}
