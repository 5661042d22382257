/**
 * The options references: every option of the machine and home modules
 * of `@kiln/modules`, with its description, type, default, example and
 * the module declaring it, as `kiln options` shows them.
 */
import { evalModules, homeModules, machineModules, optionsToJson, type OptionDocumentation } from "@kiln/modules";
import { defaultPackageSet } from "@kiln/pkgs";
import { Marked } from "marked";
import { escapeHtml } from "./html.js";
import type { SearchEntry } from "./search-entry.js";

/** One page of options. */
export interface OptionsPage {
  readonly url: string;
  readonly title: string;
  readonly intro: string;
  readonly options: readonly OptionDocumentation[];
}

/** The option set a page documents: the modules and what they are. */
const OPTION_SETS = [
  {
    url: "options.html",
    title: "Machine options",
    intro: "Every option of a machine (`defineMachine`, `defineMachineModule`), as declared by `@kiln/modules`. Your own modules can declare more.",
    modules: machineModules,
  },
  {
    url: "home-options.html",
    title: "Home options",
    intro: "Every option of a home (`defineHome`, `defineHomeModule`), as declared by `@kiln/modules`.",
    modules: homeModules,
  },
] as const;

/** The options of the machine and home modules, evaluated with Kiln's package set (nothing of it is built). */
export function optionsPages(): OptionsPage[] {
  const pkgs = defaultPackageSet();
  return OPTION_SETS.map((set) => {
    const { options } = evalModules({ modules: [...set.modules], specialArgs: { pkgs } });
    return { url: set.url, title: set.title, intro: set.intro, options: Object.values(optionsToJson(options)) };
  });
}

function optionName(option: OptionDocumentation): string {
  return option.loc.join(".");
}

const inline = new Marked({ gfm: true });

/** The HTML of an options page: one entry an option, its anchor the option's name. */
export function renderOptionsPage(page: OptionsPage): string {
  const entries = page.options.map((option) => {
    const name = optionName(option);
    const rows = [
      `<dt>Type</dt><dd><code>${escapeHtml(option.type)}</code>${option.readOnly ? " (read-only)" : ""}</dd>`,
      option.default === undefined ? "" : `<dt>Default</dt><dd><pre><code>${escapeHtml(option.default)}</code></pre></dd>`,
      option.example === undefined ? "" : `<dt>Example</dt><dd><pre><code>${escapeHtml(option.example)}</code></pre></dd>`,
      `<dt>Declared in</dt><dd>${option.declarations.map((file) => `<code>${escapeHtml(file)}</code>`).join(", ")}</dd>`,
    ];
    const description = option.description === "" ? "<p><em>No description.</em></p>" : inline.parse(option.description, { async: false });
    return `<section class="option" id="${escapeHtml(name)}">
<h3><a class="anchor" href="#${escapeHtml(encodeURIComponent(name))}">#</a><code>${escapeHtml(name)}</code></h3>
${description}
<dl>${rows.join("")}</dl>
</section>`;
  });
  const intro = inline.parse(page.intro, { async: false });
  return `<h1>${escapeHtml(page.title)}</h1>\n${intro}\n<p>${page.options.length} options.</p>\n${entries.join("\n")}`;
}

/** A search entry for each option. */
export function optionSearchEntries(page: OptionsPage): SearchEntry[] {
  return page.options.map((option) => ({
    title: optionName(option),
    url: `${page.url}#${encodeURIComponent(optionName(option))}`,
    kind: "option",
    detail: `${page.title.replace(/s$/, "")} · ${option.type}`,
  }));
}
