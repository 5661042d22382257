/**
 * A command declared with typed options: `run` gets the settings its
 * options (and the global ones) give, read once and checked before it
 * starts, and the session that owns its store. The declaration is still a
 * plain {@link Command}, so `kiln help` and the CLI reference read the same
 * option list the settings come from.
 */
import type { Command, CommandIO } from "../command.js";
import { withSession, type CommandSession } from "./command-session.js";
import { GLOBAL_OPTIONS, type GlobalSettings } from "./global-options.js";
import { readSettings, type SettingsOf, type TypedOption } from "./typed-option.js";

/** What a command gets from its command line: its settings, the global ones, and the arguments. */
export type CommandSettings<Options extends readonly TypedOption[]> = SettingsOf<Options> &
  GlobalSettings & {
    readonly positionals: readonly string[];
    /** The arguments after one of the command's rest markers (e.g. `--`); `undefined` when none was given. */
    readonly rest?: readonly string[];
  };

/** A command whose `run` takes typed settings and a session. */
export interface CommandDeclaration<Options extends readonly TypedOption[]> extends Omit<Command, "options" | "run"> {
  readonly options: Options;
  run(settings: CommandSettings<Options>, io: CommandIO, session: CommandSession): Promise<number>;
}

/** Makes a {@link Command} of a declaration: its settings are read (or refused) first, and its session is closed when it ends. */
export function defineCommand<const Options extends readonly TypedOption[]>(declaration: CommandDeclaration<Options>): Command {
  const { run, ...rest } = declaration;
  return {
    ...rest,
    async run(args, io) {
      const settings: CommandSettings<Options> = {
        ...readSettings(declaration.options, args),
        ...readSettings(GLOBAL_OPTIONS, args),
        positionals: args.positionals,
        ...(args.rest === undefined ? {} : { rest: args.rest }),
      };
      return withSession(settings, (session) => run(settings, io, session));
    },
  };
}
