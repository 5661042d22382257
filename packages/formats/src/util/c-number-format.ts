/**
 * Printing doubles as C and C++ print them, which Nix relies on: `%f` (six
 * decimals, `std::to_string`) for coercion to a string, and `%g` with six
 * significant digits (`ostream << double`) for JSON.
 *
 * JavaScript's `toFixed` and `toPrecision` round an exact tie up; C rounds it
 * to even (0.0078125 is "0.007812" in C). Digits are therefore taken exactly
 * (JavaScript prints up to 100 exact digits) and rounded here.
 */

/** Rounds a string of decimal digits to `keep` digits, half to even; returns the digits and whether it carried into a new digit. */
function roundDigits(digits: string, keep: number): { digits: string; carried: boolean } {
  if (digits.length <= keep) return { digits: digits.padEnd(keep, "0"), carried: false };
  const head = digits.slice(0, keep);
  const next = digits.charCodeAt(keep) - 48;
  const rest = digits.slice(keep + 1);
  const lastEven = keep === 0 ? true : (head.charCodeAt(keep - 1) - 48) % 2 === 0;
  const roundUp = next > 5 || (next === 5 && (/[1-9]/.test(rest) || !lastEven));
  if (!roundUp) return { digits: head, carried: false };
  // "1999" becomes "2000"; "999" becomes "1000", one digit longer: a carry into a new leading digit.
  const bumped = (BigInt(head) + 1n).toString().padStart(keep, "0");
  return { digits: bumped, carried: bumped.length > keep };
}

/** `printf("%f", value)`: six decimals, ties to even. */
export function formatCFixed(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const negative = value < 0 || Object.is(value, -0);
  // From 1e21 on, toFixed switches to exponent notation; such doubles are whole numbers anyway.
  const exact = Math.abs(value) >= 1e21 ? `${BigInt(Math.abs(value))}.0` : Math.abs(value).toFixed(100);
  const [integer = "0", fraction = ""] = exact.split(".");
  const { digits } = roundDigits(`${integer}${fraction}`, integer.length + 6);
  const integerDigits = digits.slice(0, digits.length - 6).replace(/^0+(?=\d)/, "");
  return `${negative ? "-" : ""}${integerDigits}.${digits.slice(-6)}`;
}

/** `ostream << value` (`%g`, six significant digits): shortest form, trailing zeros dropped, ties to even. */
export function formatCGeneral(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const negative = value < 0;
  const [mantissa = "", exponentText = "0"] = Math.abs(value).toExponential(100).split("e");
  let exponent = Number(exponentText);
  const rounded = roundDigits(mantissa.replace(".", ""), 6);
  let digits = rounded.digits;
  if (rounded.carried) {
    digits = digits.slice(0, 6);
    exponent += 1;
  }
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.slice(1).replace(/0+$/, "");
    const power = `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
    return `${sign}${digits[0]}${fraction ? `.${fraction}` : ""}e${power}`;
  }
  const pointAt = exponent + 1;
  const full = pointAt <= 0 ? `0.${"0".repeat(-pointAt)}${digits}` : pointAt >= digits.length ? digits.padEnd(pointAt, "0") : `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  const trimmed = full.includes(".") ? full.replace(/\.?0+$/, "") : full;
  return `${sign}${trimmed}`;
}
