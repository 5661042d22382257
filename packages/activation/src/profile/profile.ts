/**
 * A profile: the numbered generations of a machine or a home, as Nix keeps
 * them. Generation N is the link `<name>-N-link` to a toplevel in the
 * store; `<name>` links to the current one. Each generation link is a
 * garbage-collector root, so a generation's closure stays until the
 * generation is deleted, and its date is the link's modification time.
 *
 * `<name>-boot` marks the generation to activate at the next start, as
 * `nixos-rebuild boot` points the boot loader at a generation without
 * activating it; with no mark, the next start keeps the current one. Making
 * a generation current (a switch or rollback) clears the mark, as
 * `nixos-rebuild switch` also makes the new generation the boot default.
 */
import { lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { RegisterRoot } from "../activation/activation-state.js";
import { replaceSymlinkAtomically } from "@kiln/formats";
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
  /** Whether it is the one the next start activates: the marked one, or with no mark the current one. */
  readonly nextBoot: boolean;
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

  /** The link marking the generation to activate at the next start (see the file comment). */
  get bootLink(): string {
    return join(this.directory, `${this.name}-boot`);
  }

  private generationLink(number: number): string {
    return join(this.directory, `${this.name}-${number}-link`);
  }

  private numberLinkedBy(link: string): number | undefined {
    try {
      const match = new RegExp(`^${this.name}-(\\d+)-link$`).exec(readlinkSync(link));
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
    const current = this.numberLinkedBy(this.link);
    const pattern = new RegExp(`^${this.name}-(\\d+)-link$`);
    const found: Generation[] = [];
    for (const name of names) {
      const match = pattern.exec(name);
      if (match?.[1] === undefined) continue;
      const link = join(this.directory, name);
      const number = Number(match[1]);
      found.push({ number, path: readlinkSync(link), link, date: lstatSync(link).mtime, current: number === current, nextBoot: false });
    }
    // A mark whose generation was deleted by hand means no mark.
    const marked = this.numberLinkedBy(this.bootLink);
    const boot = found.some((generation) => generation.number === marked) ? marked : current;
    return found.sort((a, b) => a.number - b.number).map((generation) => (generation.number === boot ? { ...generation, nextBoot: true } : generation));
  }

  /** The generation the next start activates: the marked one, else the current one. */
  bootGeneration(): Generation | undefined {
    return this.generations().find((generation) => generation.nextBoot);
  }

  /** Marks generation `number` as the one to activate at the next start, leaving the current one as it is. */
  markForBoot(number: number): Generation {
    const generation = this.generation(number);
    if (generation.current) this.clearBootMark();
    else replaceSymlinkAtomically(this.bootLink, `${this.name}-${number}-link`);
    return { ...generation, nextBoot: true };
  }

  /** Removes the boot mark: the next start keeps the current generation. */
  clearBootMark(): void {
    rmSync(this.bootLink, { force: true });
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
    return this.addGenerationLink(path, true);
  }

  /**
   * Adds a generation for `path` without making it current (for a
   * generation marked for the next start), or reuses the newest when it
   * already links to `path`.
   */
  addGenerationOnly(path: string): Generation {
    return this.addGenerationLink(path, false);
  }

  private addGenerationLink(path: string, makeCurrent: boolean): Generation {
    const generations = this.generations();
    const newest = generations.at(-1);
    // A switch killed between making the newest link and registering it left a generation the collector would not keep.
    if (newest !== undefined && this.registerRoot !== undefined) this.registerRoot(newest.link, newest.path);
    if (newest !== undefined && newest.path === path) {
      if (!makeCurrent) return newest;
      this.switchTo(newest.number);
      return this.generation(newest.number);
    }
    const number = (newest?.number ?? 0) + 1;
    mkdirSync(this.directory, { recursive: true });
    const link = this.generationLink(number);
    if (this.registerRoot !== undefined) this.registerRoot(link, path);
    else replaceSymlinkAtomically(link, path);
    if (makeCurrent) this.switchTo(number);
    return this.generation(number);
  }

  /** Makes generation `number` current, and the one the next start keeps (clearing a boot mark). */
  switchTo(number: number): void {
    this.generation(number);
    replaceSymlinkAtomically(this.link, `${this.name}-${number}-link`);
    this.clearBootMark();
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

  /** Deletes the given generations; the current one, and the one marked for the next start, cannot be deleted. */
  deleteGenerations(numbers: readonly number[]): Generation[] {
    const targets = numbers.map((number) => this.generation(number));
    const current = targets.find((generation) => generation.current);
    if (current !== undefined) throw new GenerationError(`generation ${current.number} is the current generation of ${this.link} and cannot be deleted; switch or roll back first`);
    const boot = targets.find((generation) => generation.nextBoot);
    if (boot !== undefined) throw new GenerationError(`generation ${boot.number} of ${this.link} is marked for the next boot and cannot be deleted; mark another with 'kiln boot' or switch first`);
    for (const generation of targets) rmSync(generation.link, { force: true });
    return targets;
  }

  /**
   * Deletes every generation but the current one (and the one marked for
   * the next start), as `nix-env --delete-generations old` does.
   */
  deleteOld(): Generation[] {
    return this.deleteGenerations(this.generations().filter((generation) => !generation.current && !generation.nextBoot).map((generation) => generation.number));
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
    const doomed = older.filter((generation) => generation !== inUseAtCutoff && !generation.current && !generation.nextBoot);
    return this.deleteGenerations(doomed.map((generation) => generation.number));
  }
}

