/**
 * Test helper: evaluates modules and returns an untyped view of the result,
 * so specifications can read any option path.
 */
import { evalModules, type EvalModulesArgs } from "../src/index.js";

/** An untyped configuration tree, for tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConfig = any;

/** `evalModules({ modules, ... })` with `config` and `options` untyped. */
export function evaluate(modules: readonly unknown[], extra: Omit<EvalModulesArgs, "modules"> = {}): { config: AnyConfig; options: AnyConfig; assertionFailures: readonly string[]; warnings: readonly string[] } {
  const result = evalModules({ modules, ...extra });
  return {
    config: result.config as AnyConfig,
    options: result.options as AnyConfig,
    get assertionFailures() {
      return result.assertionFailures;
    },
    get warnings() {
      return result.warnings;
    },
  };
}

/** The value of `config` at a dotted path after evaluating `modules`. */
export function valueOf(modules: readonly unknown[], path: string): unknown {
  let value: AnyConfig = evaluate(modules).config;
  for (const name of path.split(".")) value = value[name];
  return value;
}

/** The message of the error thrown by `run`. */
export function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error("expected an error, but none was thrown");
}
