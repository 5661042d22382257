/**
 * `scaffoldProject`: writes a new Kiln project (`kiln init`): `kiln.ts` from
 * a template, `package.json`, a strict `tsconfig.json` that resolves
 * `@kiln/*` to the declarations of the Kiln that made it (so an editor
 * completes and checks the config with nothing installed), `.gitignore` and
 * `README.md`. The project records that Kiln's version (`kiln.version` in
 * `package.json`), as a flake's lock file pins its nixpkgs.
 *
 * Like `nix flake init`, it never overwrites: if any of the files exists,
 * it writes none of them and names the ones in the way.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { KilnError } from "@kiln/core";
import { projectTemplate, type TemplateName } from "./project-templates.js";

/** Some of the files `kiln init` would write already exist; nothing was written. */
export class ProjectExistsError extends KilnError {
  override name = "ProjectExistsError";

  constructor(
    /** The project directory. */
    readonly dir: string,
    /** The files in the way, relative to {@link dir}. */
    readonly existing: readonly string[],
  ) {
    super(`'${dir}' already has ${existing.map((file) => `'${file}'`).join(", ")}; kiln init overwrites nothing, so it wrote no file (move ${existing.length === 1 ? "it" : "them"} away, or init another directory)`);
  }
}

/** What {@link scaffoldProject} needs. */
export interface ScaffoldProjectOptions {
  /** The project directory; made if missing. */
  readonly dir: string;
  readonly template: TemplateName;
  /** The Kiln version the project records. */
  readonly kilnVersion: string;
  /** TypeScript `paths` for `@kiln/*`: name → declaration files. */
  readonly declarationPaths: Readonly<Record<string, readonly string[]>>;
  /** The `@types` folder holding Node's types, if known. */
  readonly nodeTypesRoot?: string | undefined;
  /** The owner of a home (the `home` template). */
  readonly user: string;
}

/** A package name npm accepts, from a directory's name. */
function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name === "" ? "kiln-project" : name;
}

/** The files of a new project, by name, in the order they are written. */
export function projectFiles(options: ScaffoldProjectOptions): Map<string, string> {
  const dir = resolve(options.dir);
  const template = projectTemplate(options.template, options.user);
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const files = new Map<string, string>();
  files.set("kiln.ts", template.config);
  files.set(
    "package.json",
    json({
      name: packageName(dir),
      private: true,
      type: "module",
      scripts: { ...template.scripts, check: "kiln check ./kiln.ts" },
      kiln: { version: options.kilnVersion },
    }),
  );
  files.set(
    "tsconfig.json",
    json({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        // As Kiln loads configs: siblings may be imported without extensions.
        moduleResolution: "Bundler",
        allowImportingTsExtensions: true,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        // The Kiln that made this project; run `kiln init` again elsewhere to see the paths of another.
        paths: options.declarationPaths,
        ...(options.nodeTypesRoot !== undefined ? { typeRoots: ["./node_modules/@types", options.nodeTypesRoot], types: ["node"] } : {}),
      },
      include: ["**/*.ts"],
      exclude: ["node_modules", "result*"],
    }),
  );
  // kiln.lock.d.ts is written again from kiln.lock by any command that evaluates the config.
  files.set(".gitignore", "result*\nnode_modules/\nkiln.lock.d.ts\n");
  files.set(
    "README.md",
    `# ${packageName(dir)}\n\nA Kiln project, made by \`kiln init\` with Kiln ${options.kilnVersion}.\n\n${template.readme}\n\n\`npm run check\` (\`kiln check ./kiln.ts\`) type-checks it and reports misspelt options with their lines.\n`,
  );
  return files;
}

/** Writes a new project; returns the files written (absolute). Throws {@link ProjectExistsError}, writing nothing, if any exists. */
export function scaffoldProject(options: ScaffoldProjectOptions): string[] {
  const dir = resolve(options.dir);
  const files = projectFiles(options);
  const existing = [...files.keys()].filter((file) => existsSync(join(dir, file)));
  if (existing.length > 0) throw new ProjectExistsError(dir, existing);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [file, text] of files) {
    // "wx": should a file appear meanwhile, fail rather than overwrite it.
    writeFileSync(join(dir, file), text, { flag: "wx" });
    written.push(join(dir, file));
  }
  return written;
}
