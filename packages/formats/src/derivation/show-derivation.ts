/**
 * The JSON form of a derivation that `nix show-derivation` prints.
 */
import { compareUtf8 } from "../util/compare-utf8.js";
import type { Drv } from "./drv.js";

/** One output as `nix show-derivation` prints it. */
export interface ShowDerivationOutput {
  readonly path: string;
  readonly hashAlgo?: string;
  readonly hash?: string;
}

/** One derivation as `nix show-derivation` prints it (the value under its `.drv` path). */
export interface ShowDerivation {
  readonly outputs: Record<string, ShowDerivationOutput>;
  readonly inputSrcs: string[];
  readonly inputDrvs: Record<string, string[]>;
  readonly system: string;
  readonly builder: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const record: Record<string, T> = Object.create(null) as Record<string, T>;
  for (const [key, value] of [...entries].sort(([a], [b]) => compareUtf8(a, b))) record[key] = value;
  return record;
}

/** Converts a derivation to the object `nix show-derivation` prints for it. */
export function toShowDerivation(drv: Drv): ShowDerivation {
  return {
    outputs: sortedRecord(
      [...drv.outputs].map(([name, output]): [string, ShowDerivationOutput] => [
        name,
        output.hash === "" ? { path: output.path } : { path: output.path, hashAlgo: output.hashAlgo, hash: output.hash },
      ]),
    ),
    inputSrcs: [...drv.inputSrcs].sort(compareUtf8),
    inputDrvs: sortedRecord([...drv.inputDrvs].map(([path, outputs]): [string, string[]] => [path, [...outputs].sort(compareUtf8)])),
    system: drv.system,
    builder: drv.builder,
    args: [...drv.args],
    env: sortedRecord(drv.env),
  };
}
