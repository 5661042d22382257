/**
 * `pathWith { inStore, absolute }` and the types built from it (nixpkgs'
 * `types.pathWith`, `pathInStore`, `externalPath`): a path given as a
 * string, optionally required to be absolute or relative, and inside or
 * outside the Nix store. A path is in the store when it is the store
 * directory followed by a store path name (`<32 characters>-<name>`), as
 * nixpkgs' `lib.path.hasStorePathPrefix` decides.
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { mergeEqualOption } from "./merge-helpers.js";
import { mkOptionType, type OptionType } from "./option-type.js";

/** The fields of `types.pathWith`; `undefined` means either. */
export interface PathWithOptions {
  /** Whether the path must (`true`) or must not (`false`) be inside the Nix store. */
  readonly inStore?: boolean;
  /** Whether the path must be absolute (`true`) or relative (`false`). */
  readonly absolute?: boolean;
}

const STORE_DIR_COMPONENTS = ["nix", "store"];

function hasStorePathPrefix(path: string): boolean {
  const components = path.split("/").filter((component) => component !== "" && component !== ".");
  return STORE_DIR_COMPONENTS.every((name, index) => components[index] === name) && /^.{32}-.+$/.test(components[STORE_DIR_COMPONENTS.length] ?? "");
}

/** A path string with the given constraints (see the file comment). */
export function pathWith(options: PathWithOptions = {}): OptionType<string> {
  const { inStore, absolute } = options;
  if (inStore === true && absolute === false) throw new InvalidModuleError("In pathWith, inStore means the path must be absolute");
  const description = `${absolute === undefined ? "" : absolute ? "absolute " : "relative "}path${inStore === undefined ? "" : inStore ? " in the Nix store" : " not in the Nix store"}`;
  const type: OptionType<string> = mkOptionType<string>({
    name: "path",
    description,
    check: (value) =>
      typeof value === "string" &&
      (inStore === undefined || inStore === (value.startsWith("/") && hasStorePathPrefix(value))) &&
      (absolute === undefined || absolute === value.startsWith("/")),
    merge: mergeEqualOption,
    // Two declarations of the same constraints are one type (nixpkgs' `binOp`: equal payloads merge).
    typeMerge: (other): OptionType<string> | undefined => {
      const otherOptions = pathWithOptions.get(other);
      return otherOptions !== undefined && otherOptions.inStore === inStore && otherOptions.absolute === absolute ? type : undefined;
    },
  });
  pathWithOptions.set(type, options);
  return type;
}

const pathWithOptions = new WeakMap<object, PathWithOptions>();

/** An absolute path inside the Nix store (nixpkgs' `pathInStore`). */
export const pathInStore: OptionType<string> = pathWith({ inStore: true });

/** An absolute path outside the Nix store (nixpkgs' `externalPath`). */
export const externalPath: OptionType<string> = pathWith({ absolute: true, inStore: false });
