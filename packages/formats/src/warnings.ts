/**
 * Warnings Kiln gives while evaluating, in Nix's `warning: …` form.
 *
 * They go to standard error by default; an embedding program can take them
 * instead with {@link setWarningHandler}.
 */
import { noteEvaluationRead } from "./evaluation/evaluation-reads.js";

/** Receives each warning's text. */
export type WarningHandler = (message: string) => void;

const KEY = Symbol.for("kiln.core.warningHandler");

interface HandlerHolder {
  [KEY]?: WarningHandler;
}

/** Sends `message` to the current warning handler. */
export function reportWarning(message: string): void {
  // A cached evaluation gives its warnings again.
  noteEvaluationRead({ kind: "warning", message });
  const handler = (globalThis as HandlerHolder)[KEY];
  if (handler !== undefined) handler(message);
  else process.stderr.write(`warning: ${message}\n`);
}

/** Replaces the warning handler; `undefined` restores printing to standard error. */
export function setWarningHandler(handler: WarningHandler | undefined): void {
  (globalThis as HandlerHolder)[KEY] = handler;
}
