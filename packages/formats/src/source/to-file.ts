/**
 * `toFile()`: a text file in the store, as `builtins.toFile`.
 *
 * Its path is a text path whose type lists the store paths the text mentions
 * (sources and other text files only: a text file cannot depend on a build
 * output, since it exists before any build).
 */
import { KilnError } from "../errors.js";
import { getStoreDir } from "../store/current-store-dir.js";
import { computeTextPath, storePathNameProblem } from "../store/store-path.js";
import { registerContextEntry, StringContext, takeStringContext } from "../derivation/context.js";

/** A `toFile` call Nix would refuse. */
export class ToFileError extends KilnError {
  override name = "ToFileError";
}

/** Writes `text` to a store file named `name` and returns its path (which carries it as context). */
export function toFile(name: string, text: string): string {
  const problem = storePathNameProblem(name);
  if (problem !== undefined) throw new ToFileError(`toFile: invalid file name ${JSON.stringify(name)}: ${problem}`);
  const storeDir = getStoreDir();
  const context = new StringContext();
  const contents = takeStringContext(text, context, storeDir);
  if (context.outputs.size > 0 || context.derivations.size > 0) {
    throw new ToFileError(`toFile: the file '${name}' cannot refer to derivation outputs`);
  }
  const references = [...context.sources.keys()];
  const storePath = computeTextPath(name, contents, references, storeDir);
  return registerContextEntry({ kind: "source", path: storePath, references, origin: { kind: "text", text: contents } }, storeDir) + storePath;
}
