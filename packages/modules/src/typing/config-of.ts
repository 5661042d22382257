/**
 * From declarations to TypeScript types, the way `z.infer` reads a zod
 * schema: an options tree of `mkOption` results determines the type of
 * `config` ({@link ConfigValue}) and of what modules may write
 * ({@link DefinitionsOf}: deep-partial, with `mkIf`/`mkMerge`/`mkOverride`/
 * `mkOrder`/`lazy` allowed at any level).
 */
import type { OptionDeclaration, AnyOptionDeclaration } from "../options/option-declaration.js";
import type { Lazy } from "../properties/lazy.js";
import type { MkIf } from "../properties/mk-if.js";
import type { MkMerge } from "../properties/mk-merge.js";
import type { MkOrder } from "../properties/mk-order.js";
import type { MkOverride } from "../properties/mk-override.js";
import type { AnyOptionType } from "../types/option-type.js";

/** A nested object of option declarations: a module's `options`. */
export interface OptionsTree {
  readonly [name: string]: AnyOptionDeclaration | OptionsTree;
}

/** The type of `config` for an options tree (or of one option's value). */
export type ConfigValue<Options> =
  Options extends OptionDeclaration<infer Value, infer _Definition> ? Value : Options extends object ? { readonly [Name in keyof Options]: ConfigValue<Options[Name]> } : never;

/** A value, or that value wrapped in any definition property, at any depth. */
export type Wrapped<T> = T | MkIf<Wrapped<T>> | MkMerge<Wrapped<T>> | MkOverride<Wrapped<T>> | MkOrder<Wrapped<T>> | Lazy<Wrapped<T>>;

/** What may be written as a definition of a value of type `T`: deep-partial attribute sets, properties anywhere. */
export type Definable<T> = Wrapped<DefinableValue<T>>;

type DefinableValue<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer Element)[]
    ? readonly Definable<Element>[]
    : T extends { readonly type: "derivation" }
      ? T
      : T extends object
        ? { [Name in keyof T]?: Definable<T[Name]> }
        : T;

/** What a module may write in `config` for an options tree. */
export type DefinitionsOf<Options> =
  Options extends OptionDeclaration<infer _Value, infer Definition>
    ? Definable<Definition>
    : Options extends object
      ? Wrapped<{ [Name in keyof Options]?: DefinitionsOf<Options[Name]> }>
      : never;

/** The options every evaluation has (`_module`), and a top-level one adds (`assertions`, `warnings`). */
export interface BuiltinConfig {
  /** Module system settings. */
  readonly _module: {
    /** Extra module arguments. */
    readonly args: Readonly<Record<string, unknown>>;
    /** Whether undeclared definitions are errors. */
    readonly check: boolean;
    /** Type for definitions without a declared option. */
    readonly freeformType: AnyOptionType | null;
  };
  /** Conditions that must hold. */
  readonly assertions: ReadonlyArray<{ readonly assertion: boolean; readonly message: string }>;
  /** Messages for the user. */
  readonly warnings: readonly string[];
}

declare const moduleOptions: unique symbol;

/** Phantom marker: the options tree a module declares. */
export interface OptionsBrand<Options> {
  /** Never present at runtime. */
  readonly [moduleOptions]?: Options;
}

/** The configuration type of one typed module (`{}` for an untyped one). */
export type ConfigOf<Module> = Module extends OptionsBrand<infer Options> ? (unknown extends Options ? {} : ConfigValue<Options>) : {};

/** The configuration type of a list of modules: the intersection of each one's. */
export type ConfigOfModules<Modules> = Modules extends readonly [infer Head, ...infer Rest]
  ? ConfigOf<Head> & ConfigOfModules<Rest>
  : Modules extends readonly []
    ? {}
    : Modules extends readonly (infer Element)[]
      ? ConfigOf<Element>
      : {};
