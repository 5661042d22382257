/**
 * Evaluation of lazy attributes to any depth: what lets a chain of
 * thousands of packages, each reading the one before it through the package
 * set, evaluate in a plain `node` process.
 *
 * Nix evaluates thunks on the C stack and overflows on deep enough chains
 * (it raises its stack limit); a JavaScript getter that reads another getter
 * is just as recursive, and V8's stack (about 1 MiB) holds only a thousand
 * or so packages. Rather than asking for a bigger stack, the fixpoints keep
 * an explicit stack of the getters (and layers) being evaluated. When the
 * call stack overflows, the error unwinds to the outermost read, which then
 * evaluates the getters that were in progress from the deepest one up: the
 * deepest now starts from an empty stack, and each one above finds the value
 * below it already computed, so it stays shallow. Each overflow costs at most
 * re-running the getters that were in progress, so the depth of a graph is
 * bounded by memory only.
 *
 * Getters are evaluated once and kept (as Nix thunks are), so running one
 * again after an overflow interrupted it computes the same value; what was
 * finished below it is not computed again.
 */

/** A getter being evaluated: `key` of one layer of a fixpoint. */
export interface GetterEntry {
  readonly kind: "getter";
  /** The layer whose getter it is (with `key`, what makes two entries the same getter). */
  readonly owner: object;
  readonly key: string;
  /** Looks the key up again (through the fixpoint's read path). */
  readonly read: () => unknown;
  /** Marks the getter as not evaluated, so that it can be evaluated (again). */
  readonly forget: () => void;
  /**
   * Marks the getter as waiting to be resumed: still in progress, as far as
   * the getters evaluated meanwhile can tell (reading it from them is a cycle).
   */
  readonly suspend: () => void;
}

/** A layer (an overlay or an attribute function) being run. */
export interface LayerEntry {
  readonly kind: "layer";
  /** Marks the layer running again, as it was when its evaluation was interrupted (lookups pass over it). */
  readonly resume: () => void;
  /** Marks the layer as not run, so the next lookup that reaches it runs it again. */
  readonly reset: () => void;
}

/** What is in progress, outermost first. */
export type EvaluationEntry = GetterEntry | LayerEntry;

/** The getters and layers being evaluated, outermost first (the call stack, made explicit). */
const inProgress: EvaluationEntry[] = [];
/** Whether an outermost read is being evaluated by {@link evaluateDeep}. */
let draining = false;

/** Whether `error` is V8's stack overflow. */
function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && error.message.includes("call stack");
}

/** Whether a read now would be an outermost one: nothing is in progress, and no deep evaluation is running. */
export function isOutermost(): boolean {
  return inProgress.length === 0 && !draining;
}

/**
 * Records that `entry` starts; returns its depth, to give to
 * {@link finishEvaluation} when it ends.
 */
export function startEvaluation(entry: EvaluationEntry): number {
  return inProgress.push(entry) - 1;
}

/**
 * Records that the entry at `depth` ended. After a stack overflow the
 * entries stay, so that the outermost read knows what was in progress.
 */
export function finishEvaluation(depth: number, error?: unknown): void {
  if (error === undefined || !isStackOverflow(error)) inProgress.length = depth;
}

/** Undoes what the interrupted `entries` left in progress, so that nothing stays marked as being evaluated. */
function abandon(entries: readonly EvaluationEntry[]): void {
  for (const entry of entries) {
    if (entry.kind === "getter") entry.forget();
    else entry.reset();
  }
}

/**
 * Runs `read`, an outermost read, with the deep evaluation described above:
 * on a stack overflow, the getters that were in progress are evaluated from
 * the deepest up, then `read` again. Only an overflow that no getter was part
 * of (a recursion in plain code) is rethrown.
 */
export function evaluateDeep<T>(read: () => T): T {
  draining = true;
  // Work, done from the end: the read itself, then whatever overflowed within it, deepest last.
  const work: (EvaluationEntry | { readonly kind: "read" })[] = [{ kind: "read" }];
  // The getter that `read` itself evaluates, once an overflow has interrupted it.
  let readOwn: GetterEntry | undefined;
  try {
    for (;;) {
      const item = work[work.length - 1] as EvaluationEntry | { readonly kind: "read" };
      if (item.kind === "layer") {
        item.reset();
        work.pop();
        continue;
      }
      let value: unknown;
      try {
        if (item.kind === "getter") item.forget();
        else readOwn?.forget();
        value = item.kind === "read" ? read() : item.read();
      } catch (error) {
        const interrupted = inProgress.splice(0);
        // The first entry is the item's own getter when its evaluation had started: it stays on the work list as the item.
        const first = interrupted[0];
        const own = first?.kind === "getter" && (item.kind === "read" || (first.owner === item.owner && first.key === item.key));
        const deeper = own ? interrupted.slice(1) : interrupted;
        if (!isStackOverflow(error) || !deeper.some((entry) => entry.kind === "getter")) {
          abandon(interrupted);
          throw error;
        }
        for (const entry of interrupted) {
          if (entry.kind === "getter") entry.suspend();
          else entry.resume();
        }
        if (item.kind === "read" && own) readOwn = first;
        // Deepest last, so that it runs first.
        work.push(...deeper);
        continue;
      }
      work.pop();
      if (work.length === 0) return value as T;
    }
  } catch (error) {
    // Getters suspended and layers kept running for the work left undone must not stay so.
    abandon([...work.filter((entry): entry is EvaluationEntry => entry.kind !== "read"), ...(readOwn === undefined ? [] : [readOwn])]);
    throw error;
  } finally {
    inProgress.length = 0;
    draining = false;
  }
}
