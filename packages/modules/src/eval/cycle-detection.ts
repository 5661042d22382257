/**
 * Detects options whose value depends on itself.
 *
 * Every option being merged is pushed on one stack shared by all
 * evaluations (submodules included, so their paths are shown in full).
 * Re-entering an option that is still on the stack is a cycle; the error
 * names the chain from its first visit: "a.x -> b.y -> a.x".
 *
 * The stack also tells when a read of `config` has finished: some checks
 * cannot run in the middle of a merge (they would re-enter it) and are queued
 * with {@link afterEvaluation} until the outermost merge has returned and
 * memoised its value ({@link settle}).
 */
import { InfiniteRecursionError } from "../errors/infinite-recursion-error.js";
import { LazyCycleError } from "../properties/lazy.js";

/** What is on the stack: an option node, whose label (its path shown with dots) is only made for messages. */
export interface Labelled {
  readonly label: string;
}

const stack: Labelled[] = [];
const settleTasks: Array<() => void> = [];

/** The option paths currently being evaluated, outermost first. */
export function evaluationStack(): readonly string[] {
  return stack.map((entry) => entry.label);
}

/** How many options are being evaluated (the length of {@link evaluationStack}). */
export function evaluationDepth(): number {
  return stack.length;
}

/** The error for re-entering `entry`, naming the chain of option paths. */
export function infiniteRecursion(entry: Labelled): InfiniteRecursionError {
  const labels = evaluationStack();
  const label = entry.label;
  const start = labels.lastIndexOf(label);
  const chain = [...labels.slice(start === -1 ? 0 : start), label];
  return new InfiniteRecursionError(`infinite recursion encountered while evaluating: ${chain.join(" -> ")}`, chain);
}

/**
 * Puts `entry` on the evaluation stack while it is evaluated; the caller
 * takes it off with {@link leaveEvaluation} in a `finally`, and throws
 * {@link evaluationError} of what its evaluation threw (before leaving, so
 * that a message names `entry`). Written out by the caller rather than given
 * a function to run: the evaluator would make a closure for every option it
 * merges.
 */
export function enterEvaluation(entry: Labelled): void {
  stack.push(entry);
}

/** Takes the innermost entry off the evaluation stack (see {@link enterEvaluation}). */
export function leaveEvaluation(): void {
  stack.pop();
}

/** What to throw for `error`, thrown while `entry` was evaluated: a lazy value's self-reference is an InfiniteRecursionError. */
export function evaluationError(entry: Labelled, error: unknown): unknown {
  return error instanceof LazyCycleError ? infiniteRecursion(entry) : error;
}

/**
 * Runs `task` once no option is being merged any more: right away if none
 * is, otherwise when the outermost merge has finished (or failed). A task
 * that throws makes that read throw; a task must record its failure where
 * later reads will see it, since the read may be failing already.
 */
export function afterEvaluation(task: () => void): void {
  settleTasks.push(task);
  settle();
}

/** Whether {@link settle} is running its tasks. */
let settling = false;

/**
 * Runs the queued tasks if no option is being merged; called when a merge
 * has finished and memoised its result. All tasks run; the first failure is
 * rethrown unless `quietly` (when the read is failing with its own error).
 */
export function settle(quietly = false): void {
  // A task's own reads finish merges too; the outer loop takes any task they queue.
  if (settling || stack.length > 0) return;
  settling = true;
  let failure: { error: unknown } | undefined;
  try {
    for (let task = settleTasks.shift(); task !== undefined; task = settleTasks.shift()) {
      try {
        task();
      } catch (error) {
        failure ??= { error };
      }
    }
  } finally {
    settling = false;
  }
  if (failure !== undefined && !quietly) throw failure.error;
}
