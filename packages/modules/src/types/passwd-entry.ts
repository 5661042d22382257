/**
 * `passwdEntry elemType`: a string of `elemType` that can be one field of a
 * line of `/etc/passwd` or `/etc/group` (nixpkgs' `types.passwdEntry`). A
 * `:` would start another field and a newline another account, so a
 * description of `"Alice:0:0:/root"` would forge fields; Kiln also refuses
 * NUL, where every C program reading the file stops.
 */
import { descriptionPhrase, mkOptionType, type OptionType } from "./option-type.js";

/** Whether `value` is a string with no `:`, newline or NUL. */
export function isPasswdField(value: unknown): value is string {
  return typeof value === "string" && !/[:\n\0]/.test(value);
}

/** `elemType`, restricted to strings without `:`, newline or NUL (nixpkgs' `types.passwdEntry`). */
export function passwdEntry<Value, Definition>(elemType: OptionType<Value, Definition>): OptionType<Value, Definition> {
  return mkOptionType<Value, Definition>({
    name: `passwdEntry ${elemType.name}`,
    description: `${descriptionPhrase((kind) => kind === "noun", elemType)}, not containing newlines, colons or NUL`,
    descriptionClass: "nonRestrictiveClause",
    check: (value) => elemType.check(value) && isPasswdField(value),
    merge: (loc, definitions) => elemType.merge(loc, definitions),
    nestedTypes: { elemType },
  });
}
