/** What the site's search looks through: one entry a page, section, API symbol, option or command. */
export interface SearchEntry {
  /** What is shown and matched first: a title, a symbol's or an option's name. */
  readonly title: string;
  /** Where it lives, relative to the site's root (`guides/modules.html#priorities`). */
  readonly url: string;
  /** What kind of thing it is: `guide`, `api`, `option`, `command`. */
  readonly kind: "guide" | "api" | "option" | "command";
  /** A line of context: a section's first words, a symbol's kind, an option's type. */
  readonly detail: string;
}
