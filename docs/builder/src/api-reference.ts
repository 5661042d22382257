/**
 * The API reference: typedoc over the public entry point of every package,
 * with validation on and warnings as errors, so an undocumented export or a
 * broken `{@link}` fails the build.
 */
import { join } from "node:path";
import { Application, DeclarationReflection, Logger, LogLevel, PageEvent, ReflectionKind, Renderer, type TypeDocOptions } from "typedoc";
import { rootPrefix } from "./page-layout.js";
import type { SearchEntry } from "./search-entry.js";

/** The packages whose API is documented, with their entry points (relative to the repository). */
export const API_PACKAGES: readonly { readonly name: string; readonly entryPoint: string }[] = [
  { name: "@kiln/core", entryPoint: "packages/core/src/index.ts" },
  { name: "@kiln/formats", entryPoint: "packages/formats/src/index.ts" },
  { name: "@kiln/store", entryPoint: "packages/store/src/index.ts" },
  { name: "@kiln/activation", entryPoint: "packages/activation/src/index.ts" },
  { name: "@kiln/config", entryPoint: "packages/config/src/index.ts" },
  { name: "@kiln/modules", entryPoint: "packages/modules/src/index.ts" },
  { name: "@kiln/pkgs", entryPoint: "packages/pkgs/src/index.ts" },
  { name: "@kiln/debian", entryPoint: "packages/debian/src/index.ts" },
  { name: "@kiln/cli", entryPoint: "packages/cli/src/index.ts" },
];

/** typedoc reported warnings or errors; the API reference is not written. */
export class ApiReferenceError extends Error {
  override readonly name = "ApiReferenceError";
}

/** Collects what typedoc reports, so that the caller decides how to show it. */
class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(`${LogLevel[level].toLowerCase()}: ${message}`);
  }
}

/**
 * Where the toolbar's links to the rest of the site start. typedoc writes
 * navigation links as given on pages of every depth (`api/classes/…`), so
 * they name the site's root by this mark, which each page replaces with its
 * own way up (`../../`).
 */
const SITE_ROOT = "kiln-site-root:";

const MEMBER_KINDS = ReflectionKind.Method | ReflectionKind.Property | ReflectionKind.Accessor;
const SEARCHED_KINDS = ReflectionKind.Class | ReflectionKind.Interface | ReflectionKind.Function | ReflectionKind.TypeAlias | ReflectionKind.Variable | ReflectionKind.Enum;

/** Writes the API reference into `outDir` and returns a search entry for each exported symbol. */
export async function buildApiReference(repository: string, outDir: string): Promise<SearchEntry[]> {
  const options: TypeDocOptions = {
    entryPoints: API_PACKAGES.map((item) => join(repository, item.entryPoint)),
    entryPointStrategy: "resolve",
    tsconfig: join(repository, "docs/builder/tsconfig.typedoc.json"),
    name: "Kiln API reference",
    readme: "none",
    disableSources: true,
    excludePrivate: true,
    excludeInternal: true,
    // Every export of Kiln's packages must say what it is (members of exported types too, where typedoc asks).
    packagesRequiringDocumentation: API_PACKAGES.map((item) => item.name),
    requiredToBeDocumented: ["Enum", "Variable", "Function", "Class", "Interface", "TypeAlias", "Namespace"],
    validation: { notExported: true, invalidLink: true, notDocumented: true, unusedMergeModuleWith: true, rewrittenLink: true },
    treatWarningsAsErrors: true,
    treatValidationWarningsAsErrors: true,
    navigationLinks: { Guides: `${SITE_ROOT}index.html`, "CLI reference": `${SITE_ROOT}cli.html`, "Machine options": `${SITE_ROOT}options.html` },
    logLevel: "Warn",
  };
  const app = await Application.bootstrapWithPlugins(options);
  const logger = new CollectingLogger();
  logger.level = LogLevel.Warn;
  app.logger = logger;
  const project = await app.convert();
  if (project !== undefined) app.validate(project);
  if (project === undefined || logger.messages.length > 0) {
    throw new ApiReferenceError(`typedoc found problems in the API documentation:\n${logger.messages.join("\n")}`);
  }
  // Every symbol with a page of its own is searchable: its page is where search leads.
  const entries: SearchEntry[] = [];
  const members: SearchEntry[] = [];
  app.renderer.on(Renderer.EVENT_BEGIN_PAGE, (page: PageEvent) => {
    const model: unknown = page.model;
    if (!(model instanceof DeclarationReflection) || !model.kindOf(SEARCHED_KINDS)) return;
    const module = model.parent?.name ?? "Kiln";
    entries.push({ title: model.name, url: `api/${page.url}`, kind: "api", detail: `${ReflectionKind.singularString(model.kind)} in ${module}` });
    // Members too, so that `mkDerivation` finds `Stdenv.mkDerivation`.
    const router = app.renderer.router;
    for (const member of model.children ?? []) {
      if (!member.kindOf(MEMBER_KINDS) || router === undefined || !router.hasUrl(member)) continue;
      members.push({ title: member.name, url: `api/${router.getFullUrl(member)}`, kind: "api", detail: `${ReflectionKind.singularString(member.kind)} of ${model.name} in ${module}` });
    }
  });
  app.renderer.on(Renderer.EVENT_END_PAGE, (page: PageEvent) => {
    page.contents = page.contents?.replaceAll(`href="${SITE_ROOT}`, `href="${rootPrefix(`api/${page.url}`)}`);
  });
  await app.generateDocs(project, outDir);
  if (logger.messages.length > 0) throw new ApiReferenceError(`typedoc found problems while writing the API reference:\n${logger.messages.join("\n")}`);
  // Symbols before members: among equal matches, search shows what comes first.
  return [...entries, ...members];
}
