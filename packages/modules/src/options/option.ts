/**
 * An entry of the `options` tree: a declared option together with its
 * definitions and value, as NixOS exposes it (`options.a.b.value`,
 * `.isDefined`, `.definitionsWithLocations`, `.declarations`, …).
 * Everything is computed on first access.
 */
import { definitionLocation } from "../eval/module-location.js";
import { isLiteralText } from "./literal.js";
import type { Definition } from "../merge/definition.js";
import type { AnyOptionType } from "../types/option-type.js";
import type { OptionPath } from "./show-option.js";

/** What an {@link Option} needs from the evaluation that owns it. */
export interface OptionSource {
  /** The option's merged value (throws like reading `config`). */
  value(): unknown;
  /** The definitions that count, after properties, with their files. */
  finalDefinitions(): readonly Definition[];
  /** The best priority among the definitions. */
  highestPriority(): number;
  /** Files of the declarations. */
  readonly declarations: readonly string[];
  /** The declaration fields, merged. */
  readonly declaration: Readonly<Record<string, unknown>>;
  /** The merged type. */
  readonly type: AnyOptionType;
  /** The full path. */
  readonly loc: OptionPath;
}

/** A declared option with its definitions and value. */
export class Option<out Value = unknown> {
  readonly #source: OptionSource;
  /** Marks an option, like nixpkgs' `_type = "option"`. */
  readonly _type = "option" as const;

  /** Created by the evaluation; see `evalModules(...).options`. */
  constructor(source: OptionSource) {
    this.#source = source;
  }

  /** The option's path. */
  get loc(): OptionPath {
    return this.#source.loc;
  }
  /** The merged value, as `config` has it. */
  get value(): Value {
    return this.#source.value() as Value;
  }
  /** Whether any definition (or the default) remains after `mkIf` and priorities. */
  get isDefined(): boolean {
    return this.#source.finalDefinitions().length > 0;
  }
  /** The values of the definitions that count. */
  get definitions(): unknown[] {
    return this.#source.finalDefinitions().map((definition) => definition.value);
  }
  /** The definitions that count, each with its file. */
  get definitionsWithLocations(): readonly Definition[] {
    // A module's position made precise: the line of the key that defines this option (see `definitionLocation`).
    return this.#source.finalDefinitions().map((definition) => ({ file: definitionLocation(definition.file, this.loc), value: definition.value }));
  }
  /** Files of the definitions that count (with the line of the defining key when the source is known). */
  get files(): string[] {
    return [...new Set(this.definitionsWithLocations.map((definition) => definition.file))];
  }
  /** The best (lowest) priority among the definitions. */
  get highestPrio(): number {
    return this.#source.highestPriority();
  }
  /** Files of the modules declaring the option. */
  get declarations(): readonly string[] {
    return this.#source.declarations;
  }
  /** The option's type. */
  get type(): AnyOptionType {
    return this.#source.type;
  }
  /** The declared default, if any. */
  get default(): unknown {
    return this.#source.declaration["default"];
  }
  /** Whether a default was declared. */
  get hasDefault(): boolean {
    return this.#source.declaration["hasDefault"] === true;
  }
  /** Documentation text for the default. */
  get defaultText(): string | undefined {
    const text = this.#source.declaration["defaultText"];
    return isLiteralText(text) ? text.text : (text as string | undefined);
  }
  /** Example value for documentation. */
  get example(): unknown {
    return this.#source.declaration["example"];
  }
  /** Documentation. */
  get description(): string | undefined {
    return this.#source.declaration["description"] as string | undefined;
  }
  /** Whether the option may be set only once. */
  get readOnly(): boolean {
    return this.#source.declaration["readOnly"] === true;
  }
  /** Whether the option is internal. */
  get internal(): boolean {
    return this.#source.declaration["internal"] === true;
  }
  /** Documentation visibility. */
  get visible(): boolean | "shallow" {
    return (this.#source.declaration["visible"] as boolean | "shallow" | undefined) ?? true;
  }
}
