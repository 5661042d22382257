/**
 * `kiln init [DIR] [--template package|machine|home]`: start a project, as
 * `nix flake init` does from a template: a `kiln.ts`, a `package.json` with
 * `build`/`check` scripts, a strict `tsconfig.json` that resolves `@kiln/*`
 * to this Kiln's own declarations, `.gitignore` and a README.
 */
import { userInfo } from "node:os";
import { relative, resolve } from "node:path";
import { defineCommand } from "../settings/define-command.js";
import { choice } from "../settings/typed-option.js";
import { declarationPaths, nodeTypesRoot } from "../check/kiln-declarations.js";
import { fallbackPackages } from "../config-options.js";
import { TEMPLATE_NAMES } from "../init/project-templates.js";
import { scaffoldProject } from "../init/scaffold-project.js";
import { UsageError } from "../usage-error.js";
import { KILN_VERSION } from "../version.js";

/** The owner of a home: the user running `kiln init`, as a name the home module accepts. */
function currentUser(): string {
  let name = "";
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (a container): fall back below.
  }
  return /^[a-z_][a-z0-9_-]*$/.test(name) ? name : "me";
}

export const initCommand = defineCommand({
  name: "init",
  summary: "Start a project: kiln.ts, package.json, tsconfig.json for your editor, .gitignore, README",
  usage: "init [DIR] [--template package|machine|home]",
  description:
    "Writes a new project into DIR (default: the current directory): kiln.ts from the template (package: a package you can 'kiln run'; machine: a machine with a module of its own; home: your home), package.json (scripts build, check, and switch or run), a strict tsconfig.json that points @kiln/* at this Kiln's own declarations, so an editor completes and checks kiln.ts with nothing installed, .gitignore (result*) and README.md. The project records this Kiln's version; commands run on it by another version warn. Overwrites nothing: if any of those files exists, it writes none and says which.",
  options: [
    choice("template", { short: "t", value: "NAME", description: "package (default), machine or home" }, TEMPLATE_NAMES, "package", (given) => `unknown template '${given}'; the templates are: ${TEMPLATE_NAMES.join(", ")}`),
  ],
  async run(settings, io) {
    const [dir = ".", ...rest] = settings.positionals;
    if (rest.length > 0) throw new UsageError("'kiln init' takes one directory, e.g. 'kiln init my-project'");
    const { template } = settings;
    const written = scaffoldProject({
      dir,
      template,
      kilnVersion: KILN_VERSION,
      declarationPaths: declarationPaths(fallbackPackages()),
      nodeTypesRoot: nodeTypesRoot(),
      user: currentUser(),
    });
    const shown = relative(process.cwd(), resolve(dir)) || ".";
    for (const file of written) io.stderr.write(`wrote ${relative(process.cwd(), file)}\n`);
    const into = shown === "." ? "" : `cd ${shown} && `;
    io.stderr.write(`\nA ${template} project for Kiln ${KILN_VERSION}. Next: ${into}kiln check ./kiln.ts && kiln build ./kiln.ts\n`);
    return 0;
  },
});
