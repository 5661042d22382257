/**
 * What `kiln init` writes into a new project, per template: its `kiln.ts`
 * (a package, a machine with a module of its own, or a home), the commands
 * its `package.json` runs and the lines of its README. Like `nix flake init`
 * templates, each is the smallest project that builds and shows the shape a
 * real one grows into.
 */

/** The kinds of project `kiln init` can start. */
export const TEMPLATE_NAMES = ["package", "machine", "home"] as const;

/** A kind of project `kiln init` can start. */
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** One template. */
export interface ProjectTemplate {
  /** The `kiln.ts` of the new project. */
  readonly config: string;
  /** `package.json` scripts besides `check`: `build`, and `switch` (or, for a package, `run`). */
  readonly scripts: Readonly<Record<string, string>>;
  /** What the README says the project is and how to use it (Markdown). */
  readonly readme: string;
}

function packageTemplate(): ProjectTemplate {
  return {
    config: `/**
 * This project's packages. \`kiln build\` builds them all and links them as
 * ./result; \`kiln run ./kiln.ts#greet -- you\` runs one.
 */
import { defaultPackageSet } from "@kiln/pkgs";

const pkgs = defaultPackageSet();

/** A shell script as a package; its program is \`greet\`. */
export const greet = pkgs.writeShellApplication({
  name: "greet",
  runtimeInputs: [],
  text: 'echo "Hello, \${1:-world}!"',
});

export default { greet };
`,
    // A package project has nothing to switch to; it runs its program instead.
    scripts: { build: "kiln build ./kiln.ts", run: "kiln run ./kiln.ts#greet --" },
    readme: "`kiln.ts` declares this project's packages. `npm run build` builds them (links `./result`); `npm run run -- you` (or `kiln run ./kiln.ts#greet -- you`) runs `greet`.",
  };
}

function machineTemplate(): ProjectTemplate {
  return {
    config: `/**
 * A machine, from a module of this project's own (\`motd\`) and its own
 * settings. \`kiln build\` builds it; \`kiln switch --machine main --root
 * /tmp/main\` activates it into a directory tree (drop --root, as root, to
 * switch this computer).
 */
import { defineMachine, defineMachineModule, defineModule, mkEnableOption, mkIf, mkOption, types } from "@kiln/modules";
import { defaultPackageSet } from "@kiln/pkgs";

const pkgs = defaultPackageSet();

/** The options of the module below. */
const motdOptions = defineModule({
  options: {
    motd: {
      enable: mkEnableOption("a message of the day in /etc/motd"),
      text: mkOption({ type: types.str, default: "Welcome!", description: "The message." }),
    },
  },
});

/** A module of this project's own: share it between machines by importing it. */
export const motd = defineMachineModule<typeof pkgs, [typeof motdOptions]>(({ config }) => ({
  imports: [motdOptions],
  config: mkIf(config.motd.enable, { environment: { etc: { motd: { text: \`\${config.motd.text}\\n\` } } } }),
}));

/** This machine's own settings. */
const main = defineMachineModule<typeof pkgs, [typeof motdOptions]>(() => ({
  config: {
    networking: { hostName: "main" },
    motd: { enable: true, text: "Welcome to main, managed by Kiln." },
  },
}));

export default {
  machines: { main: defineMachine({ pkgs, modules: [motd, main] }) },
};
`,
    scripts: { build: "kiln build ./kiln.ts", switch: "kiln switch ./kiln.ts --machine main" },
    readme: "`kiln.ts` declares the machine `main` from a module of this project's own. `npm run build` builds it; `kiln switch ./kiln.ts --machine main --root /tmp/main` activates it into a directory tree (as root and without `--root`, onto this computer).",
  };
}

function homeTemplate(user: string): ProjectTemplate {
  return {
    config: `/**
 * ${user}'s home: packages, variables, dotfiles and programs, the same on
 * every machine. \`kiln switch --home ${user}\` activates it.
 */
import { defineHome, defineHomeModule } from "@kiln/modules";
import { defaultPackageSet } from "@kiln/pkgs";

const pkgs = defaultPackageSet();

/** The home's settings. */
export const home = defineHomeModule<typeof pkgs>(() => ({
  config: {
    home: {
      username: ${JSON.stringify(user)},
      sessionVariables: { EDITOR: "vi" },
      file: { ".config/kiln/hello.txt": { text: "made by Kiln\\n" } },
    },
    programs: { bash: { enable: true, shellAliases: { ll: "ls -l" } } },
  },
}));

export default {
  homes: { ${JSON.stringify(user)}: defineHome({ pkgs, modules: [home] }) },
};
`,
    scripts: { build: "kiln build ./kiln.ts", switch: `kiln switch ./kiln.ts --home ${user}` },
    readme: `\`kiln.ts\` declares the home of \`${user}\`. \`npm run build\` builds it; \`npm run switch\` activates it (\`--root /tmp/home\` to try it in a directory first).`,
  };
}

/** The template named `name`, for the user `user` (a home's owner). */
export function projectTemplate(name: TemplateName, user: string): ProjectTemplate {
  return name === "machine" ? machineTemplate() : name === "home" ? homeTemplate(user) : packageTemplate();
}
