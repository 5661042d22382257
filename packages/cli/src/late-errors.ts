/**
 * Exceptions nobody is waiting for: a config's `setTimeout` that throws, a
 * promise it rejected and never awaited. Node would crash with its own
 * trace in the middle of a build; instead the command stops the way Ctrl-C
 * stops it (running builders killed, nothing half-registered) and reports
 * the error against the user's file, like any config error.
 */
import { ConfigError, ConfigLateError, explainConfigFailure, KilnError, userLocation } from "@kiln/core";

/** Watches a command's run for late exceptions until {@link LateErrorWatch.dispose}. */
export interface LateErrorWatch {
  /** Rejects with the first late exception, as a Kiln error. */
  readonly failed: Promise<never>;
  /** Aborted with the same error: what a realisation in progress listens to. */
  readonly signal: AbortSignal;
  /** Removes the process-wide handlers. */
  dispose(): void;
}

let current: LateErrorWatch | undefined;

/** The watch of the command running, if any: realisations stop on its signal. */
export function lateErrorSignal(): AbortSignal | undefined {
  return current?.signal;
}

/** A late exception as the user should see it: in their file when their code threw it, else Kiln's own failure. */
function asLateError(error: unknown): KilnError {
  if (error instanceof KilnError) return error;
  if (error instanceof Error && userLocation(error) === undefined) return new KilnError(`an exception no code was waiting for: ${error.message}`, { cause: error });
  const explained = explainConfigFailure(error);
  const problem = explained instanceof ConfigError ? explained.problem : explained.message;
  const location = explained instanceof ConfigError ? explained.location : undefined;
  return new ConfigLateError(`${problem} (thrown after the config was loaded, by a timer, callback or promise it started that nothing awaited)`, location, { cause: error });
}

/** Starts watching: installs `uncaughtException` and `unhandledRejection` handlers for the command's lifetime. */
export function watchLateErrors(): LateErrorWatch {
  const controller = new AbortController();
  let reject: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, rejectWith) => {
    reject = rejectWith;
  });
  // Nobody may ever await `failed`: keep Node from calling that an unhandled rejection too.
  failed.catch(() => undefined);
  const onError = (error: unknown): void => {
    if (controller.signal.aborted) return;
    const late = asLateError(error);
    controller.abort(late);
    reject(late);
  };
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  const watch: LateErrorWatch = {
    failed,
    signal: controller.signal,
    dispose() {
      process.off("uncaughtException", onError);
      process.off("unhandledRejection", onError);
      if (current === watch) current = undefined;
    },
  };
  current = watch;
  return watch;
}
