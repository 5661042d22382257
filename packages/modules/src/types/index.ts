/**
 * The `types` namespace, with NixOS's names (`types.listOf(types.str)`).
 */
import { attrsOf, attrsWith, lazyAttrsOf } from "./attrs-types.js";
import { coercedTo, either, functionTo, nullOr, oneOf, uniq, unique } from "./composite-types.js";
import { accountName } from "./account-name.js";
import { int, ints, port } from "./int-types.js";
import { listOf, nonEmptyListOf } from "./list-types.js";
import { absolutePath, relativePath } from "./normal-path-types.js";
import { optionType } from "./option-type-type.js";
import { passwdEntry } from "./passwd-entry.js";
import { externalPath, pathInStore, pathWith } from "./path-with.js";
import { anything, attrs, bool, boolByOr, enumType, float, number, packageType, path, pkgsType, raw, unspecified } from "./primitive-types.js";
import { commas, envVar, lines, nonEmptyStr, separatedString, singleLineStr, str, strMatching } from "./string-types.js";
import { secretTemplateType, secretType } from "./secret-types.js";
import { deferredModule, submodule, submoduleWith } from "./submodule-types.js";
import { zodType } from "./zod-type.js";

/** All option types. */
export const types = {
  /** `true` or `false`. */
  bool,
  /** `true` or `false`, definitions merged with "or" (nixpkgs' `boolByOr`). */
  boolByOr,
  /** A signed integer. */
  int,
  /** Bounded integer types (nixpkgs' `types.ints`). */
  ints,
  /** A TCP/UDP port number, 0…65535 (nixpkgs' `port = ints.u16`). */
  port,
  /** A floating point number. */
  float,
  /** An integer or a float (nixpkgs' `number = either int float`). */
  number,
  /** A string. */
  str,
  /** A string with at least one non-space character. */
  nonEmptyStr,
  /** A string without newlines, except possibly one at the end. */
  singleLineStr,
  /** A string matching `pattern` entirely (like Nix's `builtins.match`). */
  strMatching,
  /** Strings joined with `separator` when defined several times. */
  separatedString,
  /** Lines joined with "\n". */
  lines,
  /** Strings joined with ",". */
  commas,
  /** Strings joined with ":" (a `PATH`-like variable). */
  envVar,
  /** An absolute path. */
  path,
  /** A path string, optionally absolute or relative, in or outside the Nix store (nixpkgs' `pathWith { inStore, absolute }`). */
  pathWith,
  /** An absolute path inside the Nix store. */
  pathInStore,
  /** An absolute path outside the Nix store. */
  externalPath,
  /** A package set, defined once (nixpkgs' `types.pkgs`). */
  pkgs: pkgsType,
  /** An absolute path without `..` segments, normalised (`/home//alice/` is `/home/alice`). */
  absolutePath,
  /** A relative path without `..` segments, normalised (`./ssh//ssh_config` is `ssh/ssh_config`). */
  relativePath,
  /** `elemType` restricted to strings without `:`, newline or NUL: one field of `/etc/passwd` or `/etc/group` (nixpkgs' `passwdEntry`). */
  passwdEntry,
  /** A user or group name: a lowercase letter or `_`, then lowercase letters, digits, `_` or `-`, optionally a final `$`; at most 32 characters. */
  accountName,
  /** A package. */
  package: packageType,
  /** A secret made with `secret()` of `@kiln/core` (never a string: it coerces to its run-time path). */
  secret: secretType,
  /** A template made with `secretTemplate()` of `@kiln/core`. */
  secretTemplate: secretTemplateType,
  /** One of the given values (nixpkgs' `enum`). */
  enum: enumType,
  /** A list whose elements have type `elemType`. */
  listOf,
  /** Like `types.listOf`, but the merged list must not be empty. */
  nonEmptyListOf,
  /** An attribute set whose values have type `elemType`, merged per attribute (`{ nameType }` checks the names). */
  attrsOf,
  /** Like `types.attrsOf`, but each attribute is merged only when read. */
  lazyAttrsOf,
  /** `attrsOf`/`lazyAttrsOf` with named settings: `{ elemType, lazy, placeholder, nameType }` (nixpkgs' `attrsWith`). */
  attrsWith,
  /** `null`, or a value of `elemType`. */
  nullOr,
  /** A value of `left` or of `right`. */
  either,
  /** A value of any of `types` (nixpkgs' `oneOf`, a chain of `either`). */
  oneOf,
  /** Like `elemType`, but only one definition is allowed (nixpkgs' `uniq`). */
  uniq,
  /** Like `elemType`, but only one definition is allowed. */
  unique,
  /** A value of `finalType`. */
  coercedTo,
  /** A submodule. */
  submodule,
  /** A submodule type from the given modules (nixpkgs' `submoduleWith`). */
  submoduleWith,
  /** A module value, kept unevaluated for use in another evaluation. */
  deferredModule,
  /** A function whose results have type `elemType`. */
  functionTo,
  /** Anything. */
  anything,
  /** Any value, taken as is. */
  raw,
  /** A plain attribute set, merged shallowly with later definitions winning per key (nixpkgs' `attrs`). */
  attrs,
  /** A value of unspecified type. */
  unspecified,
  /** An option type as a value. */
  optionType,
  /** An option type checked and merged by a zod schema. */
  zod: zodType,
} as const;
