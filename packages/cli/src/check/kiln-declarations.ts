/**
 * Where the types a config needs live when its own project installs none:
 * the declarations of this CLI's own `@kiln/*` packages, and Node's types
 * from the `@types/node` this CLI depends on. `kiln check` hands them to the
 * compiler, and `kiln init` writes them into a project's `tsconfig.json`, so
 * an editor resolves `@kiln/*` exactly as the check does. Kept free of the
 * compiler itself, so `kiln init` stays light.
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** The declaration file next to a package entry (`dist/index.js` → `dist/index.d.ts`). */
function declarationsOf(entryUrl: string): string | undefined {
  const declarations = fileURLToPath(entryUrl).replace(/\.js$/, ".d.ts");
  return existsSync(declarations) ? declarations : undefined;
}

/** TypeScript `paths` for the given packages (name → URL of the entry module): name → its declaration file. */
export function declarationPaths(packages: Readonly<Record<string, string>>): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [name, url] of Object.entries(packages)) {
    const declarations = declarationsOf(url);
    if (declarations !== undefined) paths[name] = [declarations];
  }
  return paths;
}

/** The `@types` folder that holds the Node types this CLI came with, if it has them. */
export function nodeTypesRoot(): string | undefined {
  try {
    return dirname(dirname(fileURLToPath(import.meta.resolve("@types/node/package.json"))));
  } catch {
    return undefined;
  }
}
