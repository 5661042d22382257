/**
 * Command-line options declared once, with their types: each declaration
 * is the help data `kiln help` and the CLI reference print (an
 * {@link OptionSpec}) plus how the value given is read, and the settings
 * type of a command follows from its list of declarations, as a zod
 * schema's type follows from the schema. `--out-link NAME` becomes
 * `settings.outLink: string`, `-j N` `settings.maxJobs: number | undefined`.
 * A value that does not fit is refused once, up front, naming the option.
 */
import type { ParsedArgs } from "../command.js";
import { UsageError } from "../usage-error.js";
import type { OptionSpec } from "./option-spec.js";

/** What the command-line parser hands over for one option: absent, a flag, a value, or the values of a repeated option. */
export type GivenValue = string | boolean | string[] | undefined;

/** An option with the type of its setting: its help data and how a given value becomes the setting. */
export interface TypedOption<Name extends string = string, Value = unknown> extends OptionSpec {
  readonly name: Name;
  /** The setting from what was given (`undefined` when the option was not); throws a `UsageError` naming the option. */
  readonly read: (given: GivenValue) => Value;
}

/** Help of a flag. */
interface FlagHelp {
  readonly description: string;
  readonly short?: string;
}

/** Help of an option that takes a value, e.g. `value: "DIR"`. */
interface ValueHelp extends FlagHelp {
  readonly value: string;
}

/** `out-link` as `outLink`: the setting's name. */
export type SettingName<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<SettingName<Tail>>}` : Name;

/** The settings a list of options gives, by setting name. */
export type SettingsOf<Options extends readonly TypedOption[]> = {
  readonly [Option in Options[number] as SettingName<Option["name"]>]: ReturnType<Option["read"]>;
};

/** The setting name of an option name, as {@link SettingName} types it. */
export function settingName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** A flag: `true` when given. */
export function flag<const Name extends string>(name: Name, help: FlagHelp): TypedOption<Name, boolean> {
  return { name, type: "boolean", ...help, read: (given) => given === true };
}

/** An option taking text, kept as given; `undefined` when not given. */
export function text<const Name extends string>(name: Name, help: ValueHelp): TypedOption<Name, string | undefined> {
  return { name, type: "string", ...help, read: (given) => (typeof given === "string" ? given : undefined) };
}

/** An option taking text, with `fallback` when not given. */
export function textOr<const Name extends string>(name: Name, help: ValueHelp, fallback: string): TypedOption<Name, string> {
  return { name, type: "string", ...help, read: (given) => (typeof given === "string" ? given : fallback) };
}

/** An option whose text `convert` turns into its setting (or refuses, with a `UsageError` naming the option); `undefined` when not given. */
export function converted<const Name extends string, Value>(name: Name, help: ValueHelp, convert: (text: string) => Value): TypedOption<Name, Value | undefined> {
  return { name, type: "string", ...help, read: (given) => (typeof given === "string" ? convert(given) : undefined) };
}

/** An option with a fixed set of values, `fallback` when not given; `refusal` is the message for any other. */
export function choice<const Name extends string, const Choice extends string>(
  name: Name,
  help: ValueHelp,
  choices: readonly Choice[],
  fallback: NoInfer<Choice>,
  refusal: (given: string) => string,
): TypedOption<Name, Choice> {
  const isChoice = (given: string): given is Choice => (choices as readonly string[]).includes(given);
  return {
    name,
    type: "string",
    ...help,
    read: (given) => {
      if (typeof given !== "string") return fallback;
      if (!isChoice(given)) throw new UsageError(refusal(given));
      return given;
    },
  };
}

/** An option that may be given several times: the values in order, each converted by `convert`. */
export function list<const Name extends string, Value = string>(name: Name, help: ValueHelp, convert: (text: string) => Value = (given) => given as Value): TypedOption<Name, Value[]> {
  return {
    name,
    type: "string",
    multiple: true,
    ...help,
    read: (given) => (Array.isArray(given) ? given : typeof given === "string" ? [given] : []).map(convert),
  };
}

/** A whole number of at least 1 given to `--NAME`, or the usage error `--NAME needs <what>, not 'TEXT'`. */
export function positiveWholeNumber(name: string, what: string): (text: string) => number {
  return (text) => {
    const number = Number(text);
    if (!Number.isInteger(number) || number < 1) throw new UsageError(`--${name} needs ${what}, not '${text}'`);
    return number;
  };
}

/** Options declared together, kept as a tuple so that each keeps its own setting type. */
export function optionGroup<const Options extends readonly TypedOption[]>(...options: Options): Options {
  return options;
}

/** Reads the settings of `options` from a parsed command line: each option's value, converted (or refused) once. */
export function readSettings<const Options extends readonly TypedOption[]>(options: Options, args: ParsedArgs): SettingsOf<Options> {
  const settings: Record<string, unknown> = {};
  for (const option of options) settings[settingName(option.name)] = option.read(args.options[option.name]);
  return settings as SettingsOf<Options>;
}
