/**
 * What an option declaration is: the object `mkOption` makes (nixpkgs'
 * `_type = "option"` attribute set), with the TypeScript types of the
 * option's value and definitions, and the test for one.
 *
 * Kept apart from `mkOption` so that the parts of the evaluator that only
 * recognise declarations do not depend on how one is made.
 */
import type { LiteralText } from "./literal.js";
import type { AnyOptionType } from "../types/option-type.js";

declare const declaredValue: unique symbol;
declare const declaredDefinition: unique symbol;

/** A declared option whose value has type `Value` and whose definitions have type `Definition`. */
export interface OptionDeclaration<out Value, out Definition = Value> {
  /** Marks an option declaration (nixpkgs' `_type = "option"`). */
  readonly _type: "option";
  /** Phantom: the value type. */
  readonly [declaredValue]?: Value;
  /** Phantom: the definition type. */
  readonly [declaredDefinition]?: Definition;
  /** The option's type; `unspecified` when omitted. */
  readonly type?: AnyOptionType;
  /** Whether a default was given (a default may be `undefined`-free `null`). */
  readonly hasDefault: boolean;
  /** The default, a definition at priority 1500 (`mkOptionDefault`). */
  readonly default?: unknown;
  /** How the default is shown in documentation, when the value itself is not helpful. */
  readonly defaultText?: string | LiteralText;
  /** An example value for documentation. */
  readonly example?: unknown;
  /** Documentation (Markdown). */
  readonly description?: string;
  /** Whether the option may be defined at most once. */
  readonly readOnly?: boolean;
  /** Whether the option is for the module system's internal use (hidden from docs). */
  readonly internal?: boolean;
  /** Whether the option appears in documentation (`"shallow"`: without its sub-options). */
  readonly visible?: boolean | "shallow";
  /** A function applied to the merged value. */
  readonly apply?: (value: never) => unknown;
}

/** Any option declaration. */
export type AnyOptionDeclaration = OptionDeclaration<unknown, unknown>;

/** Whether `value` is an option declaration made by `mkOption`. */
export function isOptionDeclaration(value: unknown): value is AnyOptionDeclaration {
  return typeof value === "object" && value !== null && (value as { _type?: unknown })._type === "option";
}
