/**
 * A profile: the numbered generations of a machine or a home, as Nix keeps
 * them. Generation N is the link `<name>-N-link` to a toplevel in the
 * store; `<name>` links to the current one. Each generation link is a
 * garbage-collector root, so a generation's closure stays until the
 * generation is deleted, and its date is the link's modification time.
 */
import { lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import type { RegisterRoot } from "../activation/activation-state.js";
import { temporaryPathFor } from "../util/write-file-atomically.js";
import { GenerationError } from "./profile-errors.js";

/** One generation of a profile. */
export interface Generation {
  readonly number: number;
  /** The toplevel it links to. */
  readonly path: string;
  /** The generation link. */
  readonly link: string;
  /** When it was made. */
  readonly date: Date;
  readonly current: boolean;
}

/** A profile in a directory, e.g. `<root>/var/lib/kiln/profiles/system`. */
export class Profile {
  /**
   * @param directory - holds the links.
   * @param name - the profile's name: `system` or `home`.
   * @param registerRoot - makes a generation link a garbage-collector root of its store (it makes the link too).
   */
  constructor(
    readonly directory: string,
    readonly name: string,
    private readonly registerRoot?: RegisterRoot,
  ) {}

  /** The link to the current generation. */
  get link(): string {
    return join(this.directory, this.name);
  }

  private generationLink(number: number): string {
    return join(this.directory, `${this.name}-${number}-link`);
  }

  private currentNumber(): number | undefined {
    try {
      const match = new RegExp(`^${this.name}-(\\d+)-link$`).exec(readlinkSync(this.link));
      return match?.[1] === undefined ? undefined : Number(match[1]);
    } catch {
      return undefined;
    }
  }

  /** The generations, oldest first. */
  generations(): Generation[] {
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch {
      return [];
    }
    const current = this.currentNumber();
    const pattern = new RegExp(`^${this.name}-(\\d+)-link$`);
    const found: Generation[] = [];
    for (const name of names) {
      const match = pattern.exec(name);
      if (match?.[1] === undefined) continue;
      const link = join(this.directory, name);
      const number = Number(match[1]);
      found.push({ number, path: readlinkSync(link), link, date: lstatSync(link).mtime, current: number === current });
    }
    return found.sort((a, b) => a.number - b.number);
  }

  /** The current generation, if any. */
  current(): Generation | undefined {
    return this.generations().find((generation) => generation.current);
  }

  /** Generation `number`, or a {@link GenerationError} listing those that exist. */
  generation(number: number): Generation {
    const generations = this.generations();
    const found = generations.find((generation) => generation.number === number);
    if (found === undefined) {
      const existing = generations.map((generation) => generation.number).join(", ");
      throw new GenerationError(`generation ${number} of ${this.link} does not exist (${existing === "" ? "it has none" : `it has ${existing}`})`);
    }
    return found;
  }

  /**
   * Adds a generation for `path` and makes it current; as Nix does, no new
   * generation is made when the newest already links to `path`.
   */
  addGeneration(path: string): Generation {
    const generations = this.generations();
    const newest = generations.at(-1);
    // A switch killed between making the newest link and registering it left a generation the collector would not keep.
    if (newest !== undefined && this.registerRoot !== undefined) this.registerRoot(newest.link, newest.path);
    if (newest !== undefined && newest.path === path) {
      this.switchTo(newest.number);
      return { ...newest, current: true };
    }
    const number = (newest?.number ?? 0) + 1;
    mkdirSync(this.directory, { recursive: true });
    const link = this.generationLink(number);
    if (this.registerRoot !== undefined) this.registerRoot(link, path);
    else replaceLink(link, path);
    this.switchTo(number);
    return this.generation(number);
  }

  /** Makes generation `number` current. */
  switchTo(number: number): void {
    this.generation(number);
    replaceLink(this.link, `${this.name}-${number}-link`);
  }

  /** The generation before the current one, to roll back to. */
  previous(): Generation {
    const generations = this.generations();
    const current = generations.find((generation) => generation.current);
    if (current === undefined) throw new GenerationError(`${this.link} has no current generation to roll back from`);
    const before = generations.filter((generation) => generation.number < current.number).at(-1);
    if (before === undefined) throw new GenerationError(`generation ${current.number} is the oldest generation of ${this.link}: there is nothing to roll back to`);
    return before;
  }

  /** Deletes the given generations; the current one cannot be deleted. */
  deleteGenerations(numbers: readonly number[]): Generation[] {
    const targets = numbers.map((number) => this.generation(number));
    const current = targets.find((generation) => generation.current);
    if (current !== undefined) throw new GenerationError(`generation ${current.number} is the current generation of ${this.link} and cannot be deleted; switch or roll back first`);
    for (const generation of targets) rmSync(generation.link, { force: true });
    return targets;
  }

  /**
   * Deletes generations older than `ageMs` at `now`, as
   * `nix-env --delete-generations 30d` does: the current generation stays,
   * and so does the newest generation older than the cut-off, which was the
   * one in use at that time.
   */
  deleteOlderThan(ageMs: number, now = new Date()): Generation[] {
    const cutoff = now.getTime() - ageMs;
    const generations = this.generations();
    const older = generations.filter((generation) => generation.date.getTime() <= cutoff);
    const inUseAtCutoff = older.at(-1);
    const doomed = older.filter((generation) => generation !== inUseAtCutoff && !generation.current);
    return this.deleteGenerations(doomed.map((generation) => generation.number));
  }
}

function replaceLink(link: string, target: string): void {
  const temporary = temporaryPathFor(link);
  rmSync(temporary, { force: true });
  symlinkSync(target, temporary);
  renameSync(temporary, link);
}
