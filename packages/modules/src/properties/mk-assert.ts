/**
 * `mkAssert assertion message content` (nixpkgs' `lib.mkAssert`): `content`
 * as a definition, which fails with "Failed assertion: <message>" when the
 * assertion is false. As in nixpkgs it is a `mkIf` whose condition throws,
 * so the check runs when the option is merged, not when the module is read.
 */
import { AssertionFailedError } from "../errors/assertion-failed-error.js";
import { isLazy } from "./lazy.js";
import { mkIf, type Condition, type MkIf } from "./mk-if.js";

/** `content`, valid only if `assertion` holds (a boolean, or a function / lazy value read at merge time). */
export function mkAssert<T>(assertion: Condition, message: string, content: T): MkIf<T> {
  const holds = (): boolean => (typeof assertion === "function" ? assertion() : isLazy(assertion) ? assertion.force() : assertion) as boolean;
  return mkIf(() => {
    if (!holds()) throw new AssertionFailedError(message);
    return true;
  }, content);
}
