/**
 * Placeholders: how a module function is called twice, as the rest of the
 * module system sees it. This is the folder's one way in; nothing outside
 * it imports its files.
 *
 * A JavaScript module function runs its whole body at once, where a NixOS
 * module is evaluated lazily. So its first call gets placeholders for
 * `config`, `options` and `_module.args` arguments (`placeholder.ts`), which
 * tells the module's structure (what it imports, declares and defines); its
 * definitions are classified as clean or tainted (`taint.ts`), and only an
 * option with a tainted definition calls it a second time, with the real
 * `config` (`module-calls.ts`). A module whose first call threw is read for
 * real during collection, and those early reads are checked once every
 * module is known (`premature-reads.ts`).
 *
 * The folder sits below the merge pipeline and the types, which ask it
 * about placeholders, and imports nothing of the evaluator: what the calls
 * need of an evaluation (calling a module for real, the stack of options
 * being evaluated) comes in through {@link ModuleCallsHost}, and what they
 * need of a module or an option node is named here as a small interface.
 *
 * What others need:
 * - the option types, the merge pipeline and the option tree: whether a value
 *   is a placeholder, and the real value it stands for;
 * - `mkOption`: to note when a declaration was made;
 * - the evaluator: the calls of one module, the classifier for the walk of a
 *   first call's result, a module's deferred definitions (clean ones final,
 *   tainted ones waiting for the second call, which must agree with what was
 *   handed out: `deferred-definitions.ts`), and the check of early reads.
 */
export { containsPlaceholder, isPlaceholder, lazyRealValue, noteDeclarationMade, realValueOfPlaceholder } from "./placeholder.js";
export { firstCallClassifier } from "./taint.js";
export { DeferredDefinitions, FoundDefinitions, definitionsAt } from "./deferred-definitions.js";
export { ModuleCalls, declarationHas, type ModuleCallsHost, type ModuleStructure } from "./module-calls.js";
export { verifyPrematureReads, type PrematureRead } from "./premature-reads.js";
