/**
 * A suite's `Packages` index: every binary package with its version, its
 * `.deb` file's path and SHA-256, and its relationships. Kiln parses the
 * index once and keeps only what it needs, in a compact JSON form that is
 * itself a store path, so evaluation reads a few megabytes instead of
 * re-parsing fifty.
 */
import { DebianArchiveError } from "./debian-errors.js";
import { compareDebianVersions } from "./debian-version.js";
import { parseRelations, type Requirement } from "./relations.js";
import { byName } from "./by-name.js";

/** One binary package of an index. */
export interface IndexPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** The `.deb`'s path below the archive root (`pool/main/h/htop/htop_3.2.2-2_amd64.deb`). */
  readonly filename: string;
  readonly size: number;
  /** SHA-256 of the `.deb`, lower-case hex. */
  readonly sha256: string;
  /** `Depends`, as written. */
  readonly depends: string;
  /** `Pre-Depends`, as written. */
  readonly preDepends: string;
  /** `Provides`, as written. */
  readonly provides: string;
  /** `Essential: yes`. */
  readonly essential: boolean;
  /** `Priority` (`required`, `important`, `standard`, `optional`, `extra`). */
  readonly priority: string;
  /** The first line of `Description`. */
  readonly description: string;
}

/** The version of the compact form; a store path holding another is parsed afresh. */
export const COMPACT_INDEX_FORMAT = "kiln-debian-index/1";

const FIELDS = ["Package", "Version", "Architecture", "Filename", "Size", "SHA256", "Depends", "Pre-Depends", "Provides", "Essential", "Priority", "Description"] as const;

/**
 * Parses the text of a `Packages` file.
 *
 * @throws DebianArchiveError for a paragraph without `Package`, `Version`,
 *   `Filename`, `Size` or `SHA256`.
 */
export function parsePackagesFile(text: string, source: string): IndexPackage[] {
  const packages: IndexPackage[] = [];
  const wanted = new Set<string>(FIELDS);
  for (const paragraph of text.split(/\n\n+/)) {
    if (paragraph.trim() === "") continue;
    const fields = new Map<string, string>();
    for (const line of paragraph.split("\n")) {
      if (line === "" || line.startsWith(" ") || line.startsWith("\t")) continue;
      const colon = line.indexOf(":");
      const field = line.slice(0, colon);
      if (colon > 0 && wanted.has(field)) fields.set(field, line.slice(colon + 1).trim());
    }
    const name = fields.get("Package");
    const version = fields.get("Version");
    const filename = fields.get("Filename");
    const size = fields.get("Size");
    const sha256 = fields.get("SHA256");
    if (name === undefined || version === undefined || filename === undefined || size === undefined || sha256 === undefined || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new DebianArchiveError(`'${source}' has a package entry without Package, Version, Filename, Size or SHA256 (near '${paragraph.slice(0, 60)}')`);
    }
    packages.push({
      name,
      version,
      architecture: fields.get("Architecture") ?? "",
      filename,
      size: Number(size),
      sha256,
      depends: fields.get("Depends") ?? "",
      preDepends: fields.get("Pre-Depends") ?? "",
      provides: fields.get("Provides") ?? "",
      essential: fields.get("Essential") === "yes",
      priority: fields.get("Priority") ?? "",
      description: fields.get("Description") ?? "",
    });
  }
  return packages;
}

/** @internal A package in the compact form: its fields in the order of {@link IndexPackage}. */
export type CompactRow = [string, string, string, string, number, string, string, string, string, 0 | 1, string, string];

/** The compact form of `packages`: JSON, one row per package, in index order. */
export function serialiseIndex(packages: readonly IndexPackage[]): string {
  const rows = packages.map((p): CompactRow => [p.name, p.version, p.architecture, p.filename, p.size, p.sha256, p.depends, p.preDepends, p.provides, p.essential ? 1 : 0, p.priority, p.description]);
  return `{"format":${JSON.stringify(COMPACT_INDEX_FORMAT)},"packages":[\n${rows.map((row) => JSON.stringify(row)).join(",\n")}\n]}\n`;
}

/**
 * Reads the compact form written by {@link serialiseIndex}.
 *
 * @throws DebianArchiveError for anything else.
 */
export function deserialiseIndex(text: string, source: string): IndexPackage[] {
  let parsed: { format?: unknown; packages?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    throw new DebianArchiveError(`'${source}' is not a compact Debian index: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.format !== COMPACT_INDEX_FORMAT || !Array.isArray(parsed.packages)) throw new DebianArchiveError(`'${source}' is not a compact Debian index of format ${COMPACT_INDEX_FORMAT}`);
  return (parsed.packages as CompactRow[]).map(packageOfRow);
}

/** @internal One row of the compact form (one line of its file, JSON) as a package. */
export function packageOfRow([name, version, architecture, filename, size, sha256, depends, preDepends, provides, essential, priority, description]: CompactRow): IndexPackage {
  return { name, version, architecture, filename, size, sha256, depends, preDepends, provides, essential: essential === 1, priority, description };
}

/** A provider of a virtual package: the package, and the version it provides, if it says. */
export interface Provider {
  readonly package: IndexPackage;
  readonly version: string | undefined;
}

/** An index to look packages up in: by name, by what they provide, by text. */
export class PackageIndex {
  readonly #byName = new Map<string, IndexPackage[]>();
  #providers: Map<string, Provider[]> | undefined;
  /** Every real package name, sorted once (an index has tens of thousands), and the Essential packages, which every package's closure asks for. */
  #sortedNames: readonly string[] | undefined;
  #essential: readonly IndexPackage[] | undefined;
  readonly #relations = new Map<IndexPackage, readonly Requirement[]>();

  constructor(
    /** Every package, in index order (several indexes: in the order of their components). */
    readonly packages: readonly IndexPackage[],
  ) {
    for (const entry of packages) {
      const list = this.#byName.get(entry.name);
      if (list === undefined) this.#byName.set(entry.name, [entry]);
      else list.push(entry);
    }
    // Newest first, so that the first satisfying version is the one apt would take.
    for (const list of this.#byName.values()) if (list.length > 1) list.sort((a, b) => compareDebianVersions(b.version, a.version));
  }

  /** The newest package called `name`, or `undefined`. */
  get(name: string): IndexPackage | undefined {
    return this.#byName.get(name)?.[0];
  }

  /** Every version of `name`, newest first. */
  versions(name: string): readonly IndexPackage[] {
    return this.#byName.get(name) ?? [];
  }

  /** Every real package name, sorted. */
  names(): string[] {
    return [...this.#names()];
  }

  #names(): readonly string[] {
    return (this.#sortedNames ??= [...this.#byName.keys()].sort());
  }

  /** The packages that provide `name` (a virtual package, or another name of a real one). */
  providers(name: string): readonly Provider[] {
    if (this.#providers === undefined) {
      const providers = new Map<string, Provider[]>();
      for (const entry of this.packages) {
        // Most packages provide nothing.
        if (entry.provides === "") continue;
        for (const [relation] of parseRelations(entry.provides)) {
          if (relation === undefined) continue;
          const provider = { package: entry, version: relation.operator === "=" ? relation.version : undefined };
          const list = providers.get(relation.name);
          if (list === undefined) providers.set(relation.name, [provider]);
          else list.push(provider);
        }
      }
      this.#providers = providers;
    }
    return this.#providers.get(name) ?? [];
  }

  /** The `Pre-Depends` and `Depends` requirements of `entry`, parsed once. */
  requirements(entry: IndexPackage): readonly Requirement[] {
    let requirements = this.#relations.get(entry);
    if (requirements === undefined) {
      requirements = [...parseRelations(entry.preDepends), ...parseRelations(entry.depends)];
      this.#relations.set(entry, requirements);
    }
    return requirements;
  }

  /** The packages whose `Essential` is `yes`, by name. */
  essential(): IndexPackage[] {
    if (this.#essential === undefined) {
      // The newest version of each name decides; only the few found are sorted, not every name.
      const essential: IndexPackage[] = [];
      for (const [newest] of this.#byName.values()) if (newest?.essential === true) essential.push(newest);
      this.#essential = essential.sort(byName);
    }
    return [...this.#essential];
  }

  /**
   * Packages whose name or description contains every word of `query`
   * (case-insensitive), names matching first, as `nix search` does.
   */
  search(query: string): IndexPackage[] {
    const words = query.toLowerCase().split(/\s+/).filter((word) => word !== "");
    const matches: IndexPackage[] = [];
    for (const name of this.#names()) {
      const entry = this.get(name) as IndexPackage;
      const text = `${entry.name} ${entry.description}`.toLowerCase();
      if (words.every((word) => text.includes(word))) matches.push(entry);
    }
    const nameHits = (entry: IndexPackage): number => (words.every((word) => entry.name.includes(word)) ? 0 : 1);
    return matches.sort((a, b) => nameHits(a) - nameHits(b) || byName(a, b));
  }
}
