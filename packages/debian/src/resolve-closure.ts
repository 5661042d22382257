/**
 * The dependency closure of Debian packages: what `apt-get install` would
 * install on an empty system, found the way apt does for a consistent
 * archive. Every `Pre-Depends` and `Depends` requirement is met by the first
 * alternative that can be (a real package of a satisfying version, else a
 * package that `Provides` it), unless something already chosen meets it.
 * Cycles (Debian has some, e.g. `libc6` and `libgcc-s1`) need nothing
 * special: the closure is a set, and a package is visited once.
 */
import { closeNames } from "@kiln/formats";
import { DebianResolveError } from "./debian-errors.js";
import type { IndexPackage, PackageIndex } from "./package-index.js";
import { formatRelation, versionSatisfies, type Relation, type Requirement } from "./relations.js";
import { byName } from "./by-name.js";

/** Options of {@link resolveClosure}. */
export interface ResolveOptions {
  /** Also take the `Essential: yes` packages (and their closure), which every Debian system has and no package declares. Default `false`. */
  readonly essential?: boolean;
}

const PRIORITY_ORDER = ["required", "important", "standard", "optional", "extra"];

function priorityRank(entry: IndexPackage): number {
  const rank = PRIORITY_ORDER.indexOf(entry.priority);
  return rank < 0 ? PRIORITY_ORDER.length : rank;
}

/** Whether `entry`, chosen, meets `relation`: by its own name and version, or by what it provides. */
function meets(index: PackageIndex, entry: IndexPackage, relation: Relation): boolean {
  if (entry.name === relation.name && versionSatisfies(entry.version, relation.operator, relation.version)) return true;
  return index.providers(relation.name).some((provider) => provider.package === entry && (relation.operator === undefined || (provider.version !== undefined && versionSatisfies(provider.version, relation.operator, relation.version))));
}

/** The package that would meet `relation`, if any: the newest satisfying real package, else the best provider. */
function candidate(index: PackageIndex, relation: Relation): IndexPackage | undefined {
  const real = index.versions(relation.name).find((entry) => versionSatisfies(entry.version, relation.operator, relation.version));
  if (real !== undefined) return real;
  const providers = index
    .providers(relation.name)
    .filter((provider) => relation.operator === undefined || (provider.version !== undefined && versionSatisfies(provider.version, relation.operator, relation.version)))
    .map((provider) => provider.package);
  // apt prefers the provider of highest priority; ties go by name, so the choice never depends on index order.
  return providers.sort((a, b) => priorityRank(a) - priorityRank(b) || byName(a, b))[0];
}

/** What {@link resolve} finds: the chosen packages by name, and for each but the roots the package whose requirement brought it in. */
interface Resolution {
  readonly chosen: ReadonlyMap<string, IndexPackage>;
  readonly parents: ReadonlyMap<string, IndexPackage>;
}

/**
 * The packages `roots` need, roots included, sorted by name.
 *
 * @throws DebianResolveError for a root the index does not have, or a
 *   requirement nothing in the index meets (naming the package that needs it).
 */
export function resolveClosure(index: PackageIndex, roots: readonly string[], options: ResolveOptions = {}): IndexPackage[] {
  return [...resolve(index, roots, options).chosen.values()].sort(byName);
}

/**
 * Why `root` needs `target`: the chain of packages from `root` to `target`
 * along which resolution brought `target` in (as `nix why-depends` shows a
 * chain of references), or `undefined` when the closure of `root` lacks it.
 *
 * @throws DebianResolveError as {@link resolveClosure} does.
 */
export function dependencyChain(index: PackageIndex, root: string, target: string, options: ResolveOptions = {}): IndexPackage[] | undefined {
  const { chosen, parents } = resolve(index, [root], options);
  let current = chosen.get(target) ?? [...chosen.values()].find((entry) => index.providers(target).some((provider) => provider.package === entry));
  if (current === undefined) return undefined;
  const chain = [current];
  for (let parent = parents.get(current.name); parent !== undefined; parent = parents.get(parent.name)) chain.unshift(parent);
  return chain;
}

function resolve(index: PackageIndex, roots: readonly string[], options: ResolveOptions): Resolution {
  const chosen = new Map<string, IndexPackage>();
  const parents = new Map<string, IndexPackage>();
  const queue: IndexPackage[] = [];
  const take = (entry: IndexPackage, parent?: IndexPackage): void => {
    if (chosen.has(entry.name)) return;
    chosen.set(entry.name, entry);
    if (parent !== undefined) parents.set(entry.name, parent);
    queue.push(entry);
  };
  const starting = [...roots, ...(options.essential === true ? index.essential().map((entry) => entry.name) : [])];
  for (const name of starting) {
    const entry = index.get(name) ?? candidate(index, { name });
    if (entry === undefined) throw new DebianResolveError(`package '${name}' is not in the locked index${suggestion(index, name)}`);
    take(entry);
  }
  const satisfied = (requirement: Requirement): boolean =>
    requirement.some((relation) => {
      const own = chosen.get(relation.name);
      if (own !== undefined && meets(index, own, relation)) return true;
      return index.providers(relation.name).some((provider) => chosen.get(provider.package.name) === provider.package && meets(index, provider.package, relation));
    });
  while (queue.length > 0) {
    const entry = queue.shift() as IndexPackage;
    for (const requirement of index.requirements(entry)) {
      if (satisfied(requirement)) continue;
      let met: IndexPackage | undefined;
      for (const relation of requirement) {
        met = candidate(index, relation);
        if (met !== undefined) break;
      }
      if (met === undefined) {
        throw new DebianResolveError(`${entry.name} ${entry.version} depends on '${requirement.map(formatRelation).join(" | ")}', which no package in the locked index provides`);
      }
      take(met, entry);
    }
  }
  return { chosen, parents };
}

function suggestion(index: PackageIndex, name: string): string {
  const close = closeNames(name, index.names());
  return close.length > 0 ? ` (did you mean ${close.map((n) => `'${n}'`).join(", ")}?)` : "";
}
