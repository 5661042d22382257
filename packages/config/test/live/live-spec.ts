/**
 * What the live conformance generator produces: a description of each
 * `derivation` call that the Kiln and Nix emitters both translate.
 *
 * Strings are literal text with interpolations embedded as
 * `\0kind:argument\0` (NUL never occurs in generated text, so splitting is
 * unambiguous). Values that are not strings, lists, integers, booleans,
 * `null` or (structured attributes only) attribute sets are instances of
 * {@link SpecialValue}.
 */

/** An interpolation inside a generated string. */
export type Interpolation =
  /** `${d}`: the first output, with context. */
  | { readonly kind: "default"; readonly id: string }
  /** `${d.outputs[o]}` / `${d.${o}}`. */
  | { readonly kind: "output"; readonly id: string; readonly output: string }
  /** `${d.outputs[o].outPath}` / `${d.${o}.outPath}`. */
  | { readonly kind: "outPath"; readonly id: string; readonly output: string }
  /** `${d.drvPath}`: the `.drv` path, bringing its whole closure. */
  | { readonly kind: "drvPath"; readonly id: string }
  /** An output path with its context discarded. */
  | { readonly kind: "noContext"; readonly id: string; readonly output: string }
  /** A local source, imported by a relative or an absolute path. */
  | { readonly kind: "source"; readonly relative: string; readonly style: "relative" | "absolute" }
  /** A `toFile` text file. */
  | { readonly kind: "text"; readonly id: string }
  /** `placeholder(output)`. */
  | { readonly kind: "placeholder"; readonly output: string };

const MARK = "\u0000";

/** Encodes an interpolation for embedding in a generated string. */
export function interpolate(interpolation: Interpolation): string {
  return `${MARK}${JSON.stringify(interpolation)}${MARK}`;
}

/** Splits a generated string into literal text and interpolations, in order. */
export function splitInterpolations(text: string): (string | Interpolation)[] {
  const parts = text.split(MARK);
  // Even positions are literal text, odd positions encoded interpolations.
  return parts.map((part, index) => (index % 2 === 0 ? part : (JSON.parse(part) as Interpolation))).filter((part) => part !== "");
}

/** Applies `change` to the literal text of a generated string, leaving its interpolations alone. */
export function mapLiteralText(text: string, change: (literal: string) => string): string {
  return text
    .split(MARK)
    .map((part, index) => (index % 2 === 0 ? change(part) : part))
    .join(MARK);
}

/** A value other than a plain JSON-like one. */
export class SpecialValue {
  constructor(
    readonly value:
      | { readonly kind: "float"; readonly number: number }
      | { readonly kind: "bigint"; readonly decimal: string }
      /** A derivation (or one output of it) as a value, coerced to its output path. */
      | { readonly kind: "derivation"; readonly id: string; readonly output?: string }
      /** A local source as a path value (not interpolated). */
      | { readonly kind: "sourcePath"; readonly relative: string },
  ) {}
}

/** A generated attribute value. */
export type LiveValue = string | number | boolean | null | SpecialValue | readonly LiveValue[] | { readonly [key: string]: LiveValue };

/** One generated `derivation` call. */
export interface LiveSpec {
  readonly id: string;
  /** What the case exercises, for failure messages. */
  readonly tags: readonly string[];
  readonly name: string;
  readonly system: string;
  readonly builder: LiveValue;
  readonly args: readonly LiveValue[];
  readonly env: Readonly<Record<string, LiveValue>>;
  /** Passed as a list (Nix's `derivation` wrapper maps over it, so a string would not do). */
  readonly outputs?: readonly string[];
  /** The output names in order (`["out"]` when `outputs` is absent). */
  readonly outputNames: readonly string[];
  readonly fixedOutput?: { readonly outputHash: string; readonly outputHashAlgo?: string; readonly outputHashMode?: string };
  readonly passAsFile?: readonly string[];
  readonly structuredAttrs?: boolean;
  readonly ignoreNulls?: boolean;
}

/** One generated `toFile` call. */
export interface LiveText {
  readonly id: string;
  readonly name: string;
  readonly content: string;
}

/** A whole generated run. */
export interface LiveCases {
  readonly specs: readonly LiveSpec[];
  readonly texts: readonly LiveText[];
}

/** The ids of the derivations a spec refers to (as interpolations or as values). */
export function dependenciesOf(spec: LiveSpec): Set<string> {
  const ids = new Set<string>();
  const visit = (value: LiveValue): void => {
    if (typeof value === "string") {
      for (const piece of splitInterpolations(value)) if (typeof piece !== "string" && "id" in piece && piece.kind !== "text") ids.add(piece.id);
    } else if (value instanceof SpecialValue) {
      if (value.value.kind === "derivation") ids.add(value.value.id);
    } else if (Array.isArray(value)) {
      for (const element of value as readonly LiveValue[]) visit(element);
    } else if (typeof value === "object" && value !== null) {
      for (const element of Object.values(value)) visit(element);
    }
  };
  visit([spec.system, spec.builder, ...spec.args, ...Object.values(spec.env)]);
  return ids;
}
