/**
 * `literalExpression` and `literalMD` (nixpkgs' `lib.options`): text shown
 * as is in documentation for an option's `defaultText` or `example`, where
 * the value itself cannot be rendered (it depends on other options, or is
 * best explained in prose).
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";

/** Documentation text for `defaultText`/`example`; `kind` says how to show it (Nix: `{ _type; text; }`). */
export class LiteralText {
  /** `literalExpression`: code; `literalMD`: Markdown prose. */
  readonly kind: "literalExpression" | "literalMD";
  /** The text shown. */
  readonly text: string;
  /** Prefer {@link literalExpression} or {@link literalMD}. */
  constructor(kind: "literalExpression" | "literalMD", text: string) {
    if (typeof text !== "string") throw new InvalidModuleError(`${kind} expects a string.`);
    this.kind = kind;
    this.text = text;
  }
}

/** Code shown verbatim as an option's default or example in documentation. */
export function literalExpression(text: string): LiteralText {
  return new LiteralText("literalExpression", text);
}

/** Markdown shown as an option's default or example in documentation. */
export function literalMD(text: string): LiteralText {
  return new LiteralText("literalMD", text);
}

/** Whether `value` was made by {@link literalExpression} or {@link literalMD}. */
export function isLiteralText(value: unknown): value is LiteralText {
  return value instanceof LiteralText;
}
