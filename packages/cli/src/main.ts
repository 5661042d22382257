/**
 * The `kiln` command line: finds the command, parses its options, runs it,
 * and turns errors into one line that names the user's file and line.
 */
import { relative } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError, ConfigEvaluationStoppedError, evaluationStopped, InterruptedError, KilnError, formatLocation } from "@kiln/core";
import type { Command, CommandIO, OptionSpec, ParsedArgs } from "./command.js";
import { GLOBAL_OPTIONS, HELP_OPTION } from "./settings/global-options.js";
import { optionGroup, readSettings } from "./settings/typed-option.js";
import { COMMAND_LOADERS } from "./commands/command-loaders.js";
import { UsageError } from "./usage-error.js";
import { KILN_VERSION } from "./version.js";
import { watchLateErrors } from "./late-errors.js";

function optionHelp(option: OptionSpec): string {
  const names = `${option.short ? `-${option.short}, ` : "    "}--${option.name}${option.value ? ` ${option.value}` : ""}`;
  return `  ${names.padEnd(28)} ${option.description}`;
}

/** The help text of one command. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: kiln ${command.usage}`, "", command.summary + "."];
  if (command.description) lines.push("", command.description);
  lines.push("", "Options:", ...[...command.options, ...GLOBAL_OPTIONS].map(optionHelp));
  return `${lines.join("\n")}\n`;
}

function parseCommandLine(command: Command, given: readonly string[]): ParsedArgs {
  const markers = command.restMarkers ?? [];
  const marker = given.findIndex((token) => markers.includes(token));
  const argv = marker < 0 ? given : given.slice(0, marker);
  const rest = marker < 0 ? {} : { rest: given.slice(marker + 1) };
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const option of [...command.options, ...GLOBAL_OPTIONS]) {
    options[option.name] = { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { positionals, options: values as ParsedArgs["options"], ...rest };
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, "")}\n(run 'kiln ${command.name} --help' for its options)`);
  }
}

function displayPath(file: string): string {
  const fromHere = relative(process.cwd(), file);
  return fromHere.startsWith("..") || fromHere === "" ? file : fromHere;
}

/** Whether `error` says the disk is full: ENOSPC from a file operation, or SQLite failing to write (full or I/O error). */
function isDiskFull(error: unknown): error is Error {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === "string" && (code === "ENOSPC" || code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR"));
}

/** Writes an error as `error: file:line:col: what is wrong`, with Kiln's stack only when asked. */
export function reportError(error: unknown, io: CommandIO, showTrace: boolean): void {
  if (error instanceof ConfigError) {
    const where = error.location ? `${formatLocation({ ...error.location, file: displayPath(error.location.file) })}: ` : "";
    io.stderr.write(`error: ${where}${error.problem}\n`);
  } else if (error instanceof KilnError) {
    io.stderr.write(`error: ${error.message}\n`);
  } else if (isDiskFull(error)) {
    // Not a bug: the machine's disk is full (or SQLite could not write to it).
    io.stderr.write(`error: ${error.message} (the disk is full? 'kiln gc' frees space even then)\n`);
  } else {
    io.stderr.write(`error: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!showTrace) io.stderr.write("(this is a bug in Kiln; run again with --show-trace and report the output)\n");
  }
  if (showTrace) {
    let current: unknown = error;
    while (current instanceof Error) {
      io.stderr.write(`${current.stack ?? current.message}\n`);
      current = current.cause;
      if (current !== undefined) io.stderr.write("caused by: ");
    }
  }
}

/** The command named `name`: only its own module is loaded, unless it has no loader of its own. */
async function findCommand(name: string): Promise<Command | undefined> {
  const load = Object.hasOwn(COMMAND_LOADERS, name) ? COMMAND_LOADERS[name] : undefined;
  if (load !== undefined) return load();
  const { COMMANDS } = await import("./commands/index.js");
  return COMMANDS.find((candidate) => candidate.name === name);
}

/** Runs `kiln` with `argv` (without the program name); returns the exit code. */
export async function main(argv: readonly string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const { COMMANDS } = await import("./commands/index.js");
    const { generalHelp } = await import("./general-help.js");
    const topic = name === "help" ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    io.stdout.write(topic ? commandHelp(topic) : generalHelp());
    return name === undefined ? 1 : 0;
  }
  if (name === "--version" || name === "version") {
    io.stdout.write(`kiln ${KILN_VERSION}\n`);
    return 0;
  }
  const command = await findCommand(name);
  const markerAt = rest.findIndex((token) => command?.restMarkers?.includes(token) === true);
  const showTrace = (markerAt < 0 ? rest : rest.slice(0, markerAt)).includes("--show-trace");
  try {
    if (command === undefined) throw new UsageError(`unknown command '${name}'${(await import("./general-help.js")).commandSuggestion(name)} (run 'kiln help' for the list)`);
    const args = parseCommandLine(command, rest);
    if (readSettings(optionGroup(HELP_OPTION), args).help) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    const late = watchLateErrors();
    const running = command.run(args, io);
    try {
      // A config stopped by the watchdog (a timeout, Ctrl-C) never lets `running` resume.
      return await Promise.race([running, late.failed, evaluationStopped()]);
    } catch (error) {
      // A realisation stopped by the late error is still cleaning up (killing builders): let it finish first.
      if (late.signal.aborted) await running.catch(() => undefined);
      throw error;
    } finally {
      late.dispose();
    }
  } catch (error) {
    reportError(error, io, showTrace);
    // 130 is what a shell reports for a command stopped by Ctrl-C.
    const interrupted = error instanceof InterruptedError || (error instanceof ConfigEvaluationStoppedError && error.reason === "interrupt");
    return error instanceof UsageError ? 2 : interrupted ? 130 : 1;
  }
}
