/**
 * Debian's package relationship fields (`Depends`, `Pre-Depends`,
 * `Provides`; policy §7.1): a comma-separated list of requirements, each a
 * `|`-separated list of alternatives `name[:arch] [(op version)] [arch
 * restrictions] [<build profiles>]`.
 */
import { compareDebianVersions } from "./debian-version.js";

/** A version constraint's operator. */
export type RelationOperator = "<<" | "<=" | "=" | ">=" | ">>";

/** One alternative of a requirement. */
export interface Relation {
  readonly name: string;
  /** `any`, `native` or an architecture after `:`, if given. */
  readonly arch?: string;
  readonly operator?: RelationOperator;
  readonly version?: string;
}

/** A requirement: any one of its alternatives satisfies it. */
export type Requirement = readonly Relation[];

const OPERATORS: Readonly<Record<string, RelationOperator>> = { "<<": "<<", "<=": "<=", "=": "=", ">=": ">=", ">>": ">>", "<": "<=", ">": ">=" };

function parseRelation(text: string): Relation | undefined {
  // Architecture restrictions and build profiles only matter when building from source.
  const match = /^([^\s(:[<]+)(?::([^\s(]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^)\s]+)\s*\))?/.exec(text.trim());
  if (match === null) return undefined;
  const [, name, arch, operator, version] = match as unknown as [string, string, string | undefined, string | undefined, string | undefined];
  return {
    name,
    ...(arch !== undefined ? { arch } : {}),
    ...(operator !== undefined && version !== undefined ? { operator: OPERATORS[operator] as RelationOperator, version } : {}),
  };
}

/** Parses a relationship field into its requirements. */
export function parseRelations(field: string | undefined): Requirement[] {
  const requirements: Requirement[] = [];
  if (field === undefined || field === "") return requirements;
  // Loops, not map/flatMap/filter: an index has hundreds of thousands of relations, parsed while evaluating.
  for (const requirement of field.split(",")) {
    const alternatives: Relation[] = [];
    for (const alternative of requirement.split("|")) {
      const relation = parseRelation(alternative);
      if (relation !== undefined) alternatives.push(relation);
    }
    if (alternatives.length > 0) requirements.push(alternatives);
  }
  return requirements;
}

/** Whether `version` satisfies `operator required` (no operator: any version). */
export function versionSatisfies(version: string, operator: RelationOperator | undefined, required: string | undefined): boolean {
  if (operator === undefined || required === undefined) return true;
  const comparison = compareDebianVersions(version, required);
  switch (operator) {
    case "<<":
      return comparison < 0;
    case "<=":
      return comparison <= 0;
    case "=":
      return comparison === 0;
    case ">=":
      return comparison >= 0;
    case ">>":
      return comparison > 0;
  }
}

/** The text of a relation, as Debian writes it, for messages. */
export function formatRelation(relation: Relation): string {
  const arch = relation.arch !== undefined ? `:${relation.arch}` : "";
  return relation.operator !== undefined ? `${relation.name}${arch} (${relation.operator} ${relation.version ?? ""})` : `${relation.name}${arch}`;
}
