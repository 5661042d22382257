import { describe, expect, it } from "vitest";
import { formatCFixed, formatCGeneral } from "./c-number-format.js";

// Expected values printed by glibc's printf("%f") and printf("%g").
const cases: [number, string, string][] = [
  [0.0078125, "0.007812", "0.0078125"],
  [1.5, "1.500000", "1.5"],
  [0.1, "0.100000", "0.1"],
  [1042.9140625, "1042.914062", "1042.91"],
  [-2.5, "-2.500000", "-2.5"],
  [1e21, "1000000000000000000000.000000", "1e+21"],
  [123456.5, "123456.500000", "123456"],
  [1234567, "1234567.000000", "1.23457e+06"],
  [0.00001, "0.000010", "1e-05"],
  [999999.5, "999999.500000", "1e+06"],
  [9.9999995, "9.999999", "10"],
  [2.5e-7, "0.000000", "2.5e-07"],
  [3.14159265, "3.141593", "3.14159"],
];

describe("C number formatting, ties to even", () => {
  it.each(cases)("%d prints as %s (%%f) and %s (%%g)", (value, fixed, general) => {
    expect(formatCFixed(value)).toBe(fixed);
    expect(formatCGeneral(value)).toBe(general);
  });
});
