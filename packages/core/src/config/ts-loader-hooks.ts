/**
 * Node module hooks that let a config be plain TypeScript.
 *
 * Each `.ts` file is transpiled on its own by esbuild with an inline source
 * map (not bundled), so every module keeps its real file name: stack traces,
 * `import.meta.url` and `path("./x")` all point at the user's own files.
 * Relative imports may omit the extension or use `.js` for a `.ts` file, as
 * TypeScript allows. `@kiln/*` packages that the config's own project does not
 * install resolve to the copies given at registration (the CLI's own).
 */
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transform } from "esbuild";

/** Data passed from `module.register`. */
export interface LoaderHookData {
  /** Package name (e.g. `@kiln/core`) to the URL of its entry module. */
  readonly fallbackPackages: Readonly<Record<string, string>>;
}

interface ResolveContext {
  readonly parentURL?: string;
  readonly conditions?: readonly string[];
}

interface ResolveResult {
  readonly url: string;
  readonly format?: string | null;
  readonly shortCircuit?: boolean;
}

interface LoadResult {
  readonly format: string;
  readonly source?: string | ArrayBuffer | Uint8Array;
  readonly shortCircuit?: boolean;
}

type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: { readonly format?: string | null }) => Promise<LoadResult>;

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;
let fallbackPackages: Readonly<Record<string, string>> = {};

/** Receives the fallback package locations. */
export function initialize(data: LoaderHookData | undefined): void {
  fallbackPackages = data?.fallbackPackages ?? {};
}

function isTypeScriptParent(parentURL: string | undefined): boolean {
  return parentURL !== undefined && parentURL.startsWith("file:") && TYPESCRIPT.test(new URL(parentURL).pathname);
}

/** File names to try for an extensionless or `.js` relative import from TypeScript. */
function typeScriptCandidates(specifier: string, parentURL: string): string[] {
  const base = new URL(specifier, parentURL);
  const path = fileURLToPath(base);
  const candidates: string[] = [];
  if (/\.(?:js|mjs|cjs|jsx)$/.test(path)) {
    const stem = path.replace(/\.(?:js|mjs|cjs|jsx)$/, "");
    const extension = path.slice(stem.length);
    candidates.push(stem + extension.replace("js", "ts"));
  } else {
    candidates.push(`${path}.ts`, `${path}.tsx`, `${path}.mts`, `${path}/index.ts`, `${path}.js`, `${path}/index.js`);
  }
  return candidates;
}

/** Resolves like Node, then tries TypeScript's looser rules and the fallback `@kiln/*` packages. */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const parentURL = context.parentURL;
    if ((specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/")) && parentURL !== undefined && isTypeScriptParent(parentURL)) {
      for (const candidate of typeScriptCandidates(specifier, parentURL)) {
        if (existsSync(candidate)) return { url: pathToFileURL(candidate).href, shortCircuit: true };
      }
    }
    const packageName = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
    const fallback = packageName === undefined ? undefined : fallbackPackages[packageName];
    if (fallback !== undefined && specifier === packageName) return { url: fallback, shortCircuit: true };
    throw error;
  }
}

interface EsbuildFailure {
  readonly errors?: readonly { readonly text: string; readonly location?: { readonly file: string; readonly line: number; readonly column: number } | null }[];
}

/** Transpiles TypeScript files; everything else loads as Node loads it. */
export async function load(url: string, context: { readonly format?: string | null }, nextLoad: NextLoad): Promise<LoadResult> {
  if (!url.startsWith("file:") || !TYPESCRIPT.test(new URL(url).pathname)) return nextLoad(url, context);
  const file = fileURLToPath(new URL(new URL(url).pathname, "file://"));
  const source = await readFile(file, "utf8");
  try {
    const result = await transform(source, {
      loader: file.endsWith(".tsx") ? "tsx" : "ts",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      sourcefile: file,
      sourcesContent: false,
    });
    return { format: "module", source: result.code, shortCircuit: true };
  } catch (error) {
    const first = (error as EsbuildFailure).errors?.[0];
    if (first === undefined) throw error;
    const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}` : file;
    // Errors cross from the hooks thread as plain errors; the marker lets the loader recognise them.
    const failure = new SyntaxError(`KILN_TS_SYNTAX ${where}: ${first.text}`);
    throw failure;
  }
}
