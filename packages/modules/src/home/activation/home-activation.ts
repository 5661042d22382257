/**
 * `home.activation.<name>`: shell snippets run when the home is activated,
 * after its files are linked (home-manager's `home.activation`, without
 * its DAG library: a snippet is its text, or `{ text, deps }` with `deps`
 * naming the snippets that must run before it).
 *
 * They are ordered and written to the store as every target's are
 * (`target/activation-snippets.ts`); they run in the home directory with
 * `KILN_ROOT` set to it.
 */
import { defineModule } from "../../modules/define-module.js";
import { mkActivationSnippetsOption } from "../../target/activation-snippets.js";

const FILE = "@kiln/modules/home/activation/home-activation.ts";

/** The option `home.activation`. */
export const homeActivationOptions = defineModule({
  _file: FILE,
  options: {
    home: {
      activation: mkActivationSnippetsOption({
        example: { makeProjects: 'mkdir -p "$KILN_ROOT/projects"', cloneNotes: { text: 'test -d "$KILN_ROOT/projects/notes" || git clone … "$KILN_ROOT/projects/notes"', deps: ["makeProjects"] } },
        description:
          "Shell snippets run at activation, after the files are linked: text, or `{ text, deps }` to run after the snippets named in `deps`. They run in dependency order, otherwise in name order, in the home directory, with `KILN_ROOT` set to it. Snippets run at every activation: make them idempotent.",
      }),
    },
  },
});
