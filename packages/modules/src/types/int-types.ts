/**
 * Integer types: `int`, the bounded `ints.*` family and `port`.
 *
 * JavaScript has one number type; an integer is a number for which
 * `Number.isInteger` holds (a definition of `1.5` fails `int`, as it would in
 * Nix). Descriptions are nixpkgs' word for word.
 */
import { mergeEqualOption } from "./merge-helpers.js";
import { mkOptionType, type OptionType } from "./option-type.js";

/** Whether `value` is an integral number (Nix's `isInt`). */
export function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/** A signed integer. */
export const int: OptionType<number> = mkOptionType<number>({ name: "int", description: "signed integer", check: isInteger, merge: mergeEqualOption });

function bounded(description: string, lowest: number, highest: number): OptionType<number> {
  return mkOptionType<number>({
    name: "intBetween",
    description,
    check: (value) => isInteger(value) && value >= lowest && value <= highest,
    merge: mergeEqualOption,
  });
}

function between(lowest: number, highest: number): OptionType<number> {
  if (lowest > highest) throw new RangeError("ints.between: lowest must be smaller than highest");
  return mkOptionType<number>({
    name: "intBetween",
    description: `integer between ${lowest} and ${highest} (both inclusive)`,
    check: (value) => isInteger(value) && value >= lowest && value <= highest,
    merge: mergeEqualOption,
  });
}

function unsignedBits(bits: number): OptionType<number> {
  const highest = 2 ** bits - 1;
  return bounded(`${bits} bit unsigned integer; between 0 and ${highest} (both inclusive)`, 0, highest);
}

function signedBits(bits: number): OptionType<number> {
  const highest = 2 ** (bits - 1) - 1;
  return bounded(`${bits} bit signed integer; between ${-highest - 1} and ${highest} (both inclusive)`, -highest - 1, highest);
}

/** Bounded integer types (nixpkgs' `types.ints`). */
export const ints = {
  /** An integer between `lowest` and `highest`, both inclusive. */
  between,
  /** An integer ≥ 0. */
  unsigned: mkOptionType<number>({ name: "unsignedInt", description: "unsigned integer, meaning >=0", check: (value) => isInteger(value) && value >= 0, merge: mergeEqualOption }),
  /** An integer > 0. */
  positive: mkOptionType<number>({ name: "positiveInt", description: "positive integer, meaning >0", check: (value) => isInteger(value) && value > 0, merge: mergeEqualOption }),
  /** 0…255. */
  u8: unsignedBits(8),
  /** 0…65535. */
  u16: unsignedBits(16),
  /** 0…4294967295. */
  u32: unsignedBits(32),
  /** -128…127. */
  s8: signedBits(8),
  /** -32768…32767. */
  s16: signedBits(16),
  /** -2147483648…2147483647. */
  s32: signedBits(32),
} as const;

/** A TCP/UDP port number, 0…65535 (nixpkgs' `port = ints.u16`). */
export const port: OptionType<number> = ints.u16;
