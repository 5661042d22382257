/**
 * What a builder spawner is asked to start (see `builder-spawner.ts`): the
 * builder's program, arguments, environment and working directory, as
 * Nix's derivation goal hands them to the process it forks.
 */

/** A builder to start: in a session of its own, standard input closed, standard output and error read. */
export interface BuilderCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}
