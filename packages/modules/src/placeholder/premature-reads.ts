/**
 * Verifying reads of `config` made while modules were still being collected.
 *
 * Only opaque module functions read real `config` during collection: those
 * whose first call, with a placeholder `config`, threw (see
 * `collect-modules.ts`). Such a module is called after every other module
 * has been collected, and its reads are answered from those; what is missing
 * is the reading module itself, other opaque modules not called yet, and
 * their imports. Once collection is complete we check that none of those
 * late modules declares or defines what was read; if one does, the early
 * answer could be wrong, and we report it instead of using it.
 */
import { PrematureReadError } from "../errors/premature-read-error.js";
import { isOptionDeclaration } from "../options/option-declaration.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import { isProperty } from "../properties/property.js";

/** Whether a read found an option value or a prefix of options. */
type ReadKind = "value" | "prefix";

/** What the check needs of a collected module (the evaluator's `CollectedModule` is one). */
interface ReadModule {
  /** The order in which modules were completed. */
  readonly sequence: number;
  readonly file: string;
  /** Its option declarations. */
  readonly options: unknown;
}

/** What the check needs of the final evaluation (the evaluator's `Evaluation` is one). */
interface FinalEvaluation<Module extends ReadModule> {
  /** Every module, in merge order. */
  readonly modules: readonly Module[];
  /** Its definition index. */
  readonly index: {
    pathsDefinedBy(modules: ReadonlySet<Module>): ReadonlyArray<{ readonly path: readonly string[]; readonly value: unknown; readonly node: { readonly record: { readonly type: { readonly name: string } } } | undefined; readonly module: Module }>;
  };
}

/** One read made while modules were being collected. */
export interface PrematureRead {
  /** The path read, relative to the evaluation root. */
  readonly path: readonly string[];
  /** Whether an option value or a prefix was found. */
  readonly kind: ReadKind;
  /** How many modules were complete when it was read; later ones are "late". */
  readonly completedCount: number;
  /** The file of the module whose code made the read. */
  readonly reader: string;
}

interface Touch {
  readonly sequence: number;
  readonly file: string;
}

type TouchMap = Map<string, Touch>;

function keyOf(path: readonly string[]): string {
  return path.join("\u0000");
}

function touch(map: TouchMap, path: readonly string[], module: ReadModule): void {
  const key = keyOf(path);
  const existing = map.get(key);
  if (existing === undefined || existing.sequence < module.sequence) map.set(key, { sequence: module.sequence, file: module.file });
}

function declarationPaths(options: unknown, path: string[], found: (path: readonly string[]) => void): void {
  if (typeof options !== "object" || options === null) return;
  for (const name of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[name];
    const childPath = [...path, name];
    if (isOptionDeclaration(value)) found(childPath);
    else declarationPaths(value, childPath, found);
  }
}

/** Throws a {@link PrematureReadError} for the first early read that a late module could have changed. */
export function verifyPrematureReads<Module extends ReadModule>(reads: readonly PrematureRead[], final: FinalEvaluation<Module>, prefix: OptionPath, earlyModules: ReadonlySet<Module>): void {
  if (reads.length === 0) return;
  const finalModules = new Set(final.modules);
  for (const module of earlyModules) {
    if (!finalModules.has(module)) {
      throw new PrematureReadError(`infinite recursion encountered while evaluating: config was read while module \`${module.file}' was part of the configuration, but a module collected later disables it. Move the read into \`lazy(() => …)\` or a getter.`, []);
    }
  }
  const earliest = Math.min(...reads.map((read) => read.completedCount));
  const late = new Set(final.modules.filter((module) => module.sequence >= earliest));
  if (late.size === 0) return;
  const declared: TouchMap = new Map();
  const declaredBelow: TouchMap = new Map();
  const defined: TouchMap = new Map();
  const definedBelow: TouchMap = new Map();
  const record = (exact: TouchMap, below: TouchMap, path: readonly string[], module: Module): void => {
    touch(exact, path, module);
    for (let length = 0; length < path.length; length++) touch(below, path.slice(0, length), module);
  };
  for (const module of late) declarationPaths(module.options, [], (path) => record(declared, declaredBelow, path, module));
  for (const definition of final.index.pathsDefinedBy(late)) {
    const module = definition.module;
    const attributes = definition.node !== undefined && ["attrsOf", "lazyAttrsOf"].includes(definition.node.record.type.name) && typeof definition.value === "object" && definition.value !== null && !Array.isArray(definition.value) && !isProperty(definition.value);
    if (attributes) for (const name of Object.keys(definition.value as object)) record(defined, definedBelow, [...definition.path, name], module);
    else record(defined, definedBelow, definition.path, module);
  }
  for (const read of reads) {
    const clash = findClash(read, declared, declaredBelow, defined, definedBelow);
    if (clash === undefined) continue;
    const shownRead = showOption([...prefix, ...read.path]);
    throw new PrematureReadError(
      `infinite recursion encountered while evaluating: \`${shownRead}' was read by module \`${read.reader}' while modules were still being collected (its first call, with a placeholder config, threw, so it was called for real early), but module \`${clash.touch.file}', which was not known yet, ${clash.what} it. Read it lazily: \`mkIf(() => …, …)\`, \`lazy(() => …)\`, a getter at the option, or \`get config() { … }\` in the module.`,
      [shownRead, shownRead],
    );
  }
}

function findClash(read: PrematureRead, declared: TouchMap, declaredBelow: TouchMap, defined: TouchMap, definedBelow: TouchMap): { touch: Touch; what: string } | undefined {
  const late = (touch: Touch | undefined): touch is Touch => touch !== undefined && touch.sequence >= read.completedCount;
  for (let length = 0; length <= read.path.length; length++) {
    const key = keyOf(read.path.slice(0, length));
    const declaration = declared.get(key);
    if (late(declaration)) return { touch: declaration, what: "declares" };
    if (read.kind === "value") {
      const definition = defined.get(key);
      if (late(definition)) return { touch: definition, what: "defines" };
    }
  }
  if (read.kind === "value") {
    const key = keyOf(read.path);
    const below = declaredBelow.get(key);
    if (late(below)) return { touch: below, what: "declares options below" };
    const definedUnder = definedBelow.get(key);
    if (late(definedUnder)) return { touch: definedUnder, what: "defines" };
  }
  return undefined;
}
