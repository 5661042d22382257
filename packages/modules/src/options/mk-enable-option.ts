/**
 * `mkEnableOption name`: the ubiquitous boolean "Whether to enable …"
 * option, default false.
 */
import { bool } from "../types/primitive-types.js";
import { mkOption } from "./mk-option.js";
import type { OptionDeclaration } from "./option-declaration.js";

/** A boolean option, default `false`, described as "Whether to enable {name}." */
export function mkEnableOption(name: string): OptionDeclaration<boolean> {
  return mkOption({ type: bool, default: false, example: true, description: `Whether to enable ${name}.` });
}
