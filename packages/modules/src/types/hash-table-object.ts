/**
 * An empty plain object that V8 keeps as a hash table from the start, for
 * the merged value of an `attrsOf` (nixpkgs builds the same attribute set;
 * this changes nothing a program can see, only how the engine stores it).
 *
 * An attribute set's names are often its own (`users.<name>`,
 * `settings.<key>`): filling a `{}` with them makes V8 create a hidden
 * class per new name, with its descriptors, and the last of them when the
 * transitions from `{}` run out. An object whose properties were once
 * deleted out of order is a dictionary instead: adding a name is a hash
 * insertion, and nothing per name outlives the object. The prototype is
 * still `Object.prototype`, and the order of names is the same.
 */

/** A new empty object with `Object.prototype`, stored as a dictionary (see the file comment). */
export function hashTableObject(): Record<string, unknown> {
  const object: Record<string, unknown> = { first: 0, second: 0 };
  // Deleting a property that is not the last one moves the object to dictionary storage.
  delete object["first"];
  delete object["second"];
  return object;
}
