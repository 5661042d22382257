/**
 * Activation snippets: shell code run when a machine or a home is
 * activated, after its files are in place (NixOS's
 * `system.activationScripts`, home-manager's `home.activation`, without its
 * DAG library). A snippet is its text, or `{ text, deps }` where `deps`
 * names snippets that must run before it.
 *
 * The order is NixOS's `textClosureList` over the snippet names in
 * alphabetical order: each snippet runs after its dependencies, and
 * otherwise in name order. Each snippet becomes its own bash script in the
 * store, listed in that order in the activation manifest; it runs with
 * `KILN_ROOT` set to the root being activated.
 */
import type { ActivationScript } from "@kiln/formats";
import { defineModule } from "../modules/define-module.js";
import { mkOption } from "../options/mk-option.js";
import { showOption } from "../options/show-option.js";
import { types } from "../types/index.js";
import { located } from "./module-file.js";
import type { MachinePackageSet } from "./package-set.js";
import { storePathName } from "./package-values.js";
import { TargetConfigError } from "./target-config-error.js";

const FILE = "@kiln/modules/target/activation-snippets.ts";

/** The options of one snippet given as `{ text, deps }`. */
export const activationScriptEntryOptions = defineModule(located(FILE, {
  options: {
    text: mkOption({ type: types.lines, description: "The snippet: bash code." }),
    deps: mkOption({ type: types.listOf(types.str), default: [], description: "Names of the snippets that must run before this one." }),
  },
}));

/** A snippet as read from `config`: its text, or its text and dependencies. */
export type ActivationSnippet = string | { readonly text: string; readonly deps: readonly string[] };

function snippetDeps(snippet: ActivationSnippet): readonly string[] {
  return typeof snippet === "string" ? [] : snippet.deps;
}

function snippetText(snippet: ActivationSnippet): string {
  return typeof snippet === "string" ? snippet : snippet.text;
}

/**
 * The snippet names in the order they run: for each name in alphabetical
 * order, its dependencies (recursively) first, each name once. A missing
 * dependency or a cycle is an error naming the option (`option`:
 * `system.activationScripts` of a machine, `home.activation` of a home).
 */
export function activationOrder(snippets: Readonly<Record<string, ActivationSnippet>>, option: readonly string[] = ["system", "activationScripts"]): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visiting: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    const cycleStart = visiting.indexOf(name);
    if (cycleStart >= 0) {
      const cycle = [...visiting.slice(cycleStart), name].join(" -> ");
      throw new TargetConfigError(`The activation scripts depend on each other in a cycle: ${cycle}. Remove one of these from the \`deps' of ${showOption([...option, visiting[visiting.length - 1] ?? name, "deps"])}.`);
    }
    const snippet = snippets[name];
    if (snippet === undefined) throw new TargetConfigError(`activation script \`${name}' does not exist`);
    visiting.push(name);
    for (const dependency of snippetDeps(snippet)) {
      if (!Object.prototype.hasOwnProperty.call(snippets, dependency)) {
        throw new TargetConfigError(
          `${showOption([...option, name, "deps"])} names \`${dependency}', but there is no activation script of that name (${showOption([...option, dependency])}). Known: ${Object.keys(snippets).sort().join(", ") || "none"}.`,
        );
      }
      visit(dependency);
    }
    visiting.pop();
    done.add(name);
    order.push(name);
  };
  for (const name of Object.keys(snippets).sort()) visit(name);
  return order;
}

/** The manifest's activation scripts: each snippet written to the store as a bash script, in order. */
export function activationScripts(pkgs: MachinePackageSet, snippets: Readonly<Record<string, ActivationSnippet>>, option: readonly string[] = ["system", "activationScripts"]): ActivationScript[] {
  return activationOrder(snippets, option).map((name) => ({
    name,
    script: `${pkgs.writeShellScript(`activation-script-${storePathName(name)}`, `# Activation script snippet ${name}\n${snippetText(snippets[name] as ActivationSnippet)}`)}`,
  }));
}

/** An option of activation snippets (`system.activationScripts`, `home.activation`), with the target's example and description. */
export function mkActivationSnippetsOption(spec: { readonly example: Readonly<Record<string, ActivationSnippet>>; readonly description: string }) {
  return mkOption({
    type: types.attrsOf(types.either(types.lines, types.submodule(activationScriptEntryOptions))),
    default: {},
    example: spec.example,
    description: spec.description,
  });
}
