/**
 * `types.zod(schema)`: a zod schema as an option type; the TypeScript types
 * follow the schema (`z.output` for the value, `z.input` for definitions).
 *
 * A scalar definition is checked with `safeParse`; an array, record or
 * object definition only has to be a list or attribute set, because its
 * parts may still carry properties (`mkDefault`, `mkIf`) that only merging
 * resolves — the merged value is then parsed, and a failure is reported
 * with the schema's issues. Merging depends on the schema's shape, chosen to
 * match the nearest nixpkgs type:
 * - arrays concatenate definitions in order, like `listOf`;
 * - records and objects merge attribute by attribute, like `attrsOf`
 *   (each attribute through the full pipeline, so `mkIf`/`mkForce` work per
 *   attribute; values without a finer rule must be equal);
 * - anything else must be defined equally everywhere (`mergeEqualOption`).
 * The merged value is parsed once more, so transforms and defaults of the
 * schema apply to the final value.
 */
import type { z } from "zod";
import { TypeMismatchError } from "../errors/type-mismatch-error.js";
import { showOption } from "../options/show-option.js";
import { anything } from "./primitive-types.js";
import { isAttrs, mergeEqualOption } from "./merge-helpers.js";
import { mkOptionType, type MergeDefinition, type OptionType } from "./option-type.js";
import type { OptionPath } from "../options/show-option.js";

function schemaKind(schema: z.ZodType): string {
  return (schema as unknown as { _zod?: { def?: { type?: string } } })._zod?.def?.type ?? "unknown";
}

function mergeRaw(kind: string, loc: OptionPath, definitions: readonly MergeDefinition[]): unknown {
  if (kind === "array") return definitions.flatMap((definition) => definition.value as unknown[]);
  if (kind === "record" || kind === "object") return anything.merge(loc, definitions);
  return mergeEqualOption(loc, definitions);
}

/** An option type checked and merged by a zod schema (see the file comment). */
export function zodType<Schema extends z.ZodType>(schema: Schema, description?: string): OptionType<z.output<Schema>, z.input<Schema>> {
  const kind = schemaKind(schema);
  return mkOptionType<z.output<Schema>, z.input<Schema>>({
    name: "zod",
    description: description ?? `value matching a zod ${kind} schema`,
    check: (value) => (kind === "array" ? Array.isArray(value) : kind === "record" || kind === "object" ? isAttrs(value) : schema.safeParse(value).success),
    merge: (loc, definitions) => {
      const merged = mergeRaw(kind, loc, definitions);
      const parsed = schema.safeParse(merged);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `- ${issue.path.length === 0 ? "(root)" : issue.path.join(".")}: ${issue.message}`).join("\n");
        throw new TypeMismatchError(`The merged value of option \`${showOption(loc)}' does not match its schema:\n${issues}`, loc);
      }
      return parsed.data;
    },
  });
}
