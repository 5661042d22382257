/**
 * The `types` namespace, with NixOS's names (`types.listOf(types.str)`).
 */
import { attrsOf, lazyAttrsOf } from "./attrs-types.js";
import { coercedTo, either, functionTo, nullOr, oneOf, uniq, unique } from "./composite-types.js";
import { int, ints, port } from "./int-types.js";
import { listOf, nonEmptyListOf } from "./list-types.js";
import { optionType } from "./option-type-type.js";
import { anything, attrs, bool, enumType, float, number, packageType, path, raw, unspecified } from "./primitive-types.js";
import { commas, envVar, lines, nonEmptyStr, separatedString, singleLineStr, str, strMatching } from "./string-types.js";
import { deferredModule, submodule, submoduleWith } from "./submodule-types.js";
import { zodType } from "./zod-type.js";

/** All option types. */
export const types = {
  bool,
  int,
  ints,
  port,
  float,
  number,
  str,
  nonEmptyStr,
  singleLineStr,
  strMatching,
  separatedString,
  lines,
  commas,
  envVar,
  path,
  package: packageType,
  enum: enumType,
  listOf,
  nonEmptyListOf,
  attrsOf,
  lazyAttrsOf,
  nullOr,
  either,
  oneOf,
  uniq,
  unique,
  coercedTo,
  submodule,
  submoduleWith,
  deferredModule,
  functionTo,
  anything,
  raw,
  attrs,
  unspecified,
  optionType,
  zod: zodType,
} as const;
