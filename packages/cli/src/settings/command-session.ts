/**
 * The one owner of a command's store and realiser: opened when the command
 * first needs them, and closed when the command ends, however it ends (a
 * result, an error, or the process exiting on Ctrl-C while the command still
 * waited). Commands ask the session; none opens or closes a store itself.
 */
import { LocalStore, type OpenStoreOptions, type Realiser } from "@kiln/core";
import { makeRealiser, storeDirFor, type RealiserSettings } from "../store-options.js";

/** The store and realiser of one command run. */
export class CommandSession {
  private opened: LocalStore | undefined;
  private made: Realiser | undefined;
  private readonly closeOnExit = (): void => this.close();

  constructor(private readonly settings: RealiserSettings) {}

  /** The store directory the command works with (see `storeDirFor`). */
  get storeDir(): string {
    return storeDirFor(this.settings);
  }

  /** Whether the command builds with the nix realiser, whose store is Nix's own. */
  get usesNix(): boolean {
    return this.settings.realiser === "nix";
  }

  /** The local store at the command's store directory, opened on first use (with `options`, which only the first use gives). */
  store(options: Omit<OpenStoreOptions, "storeDir"> = {}): LocalStore {
    if (this.opened === undefined) {
      this.opened = LocalStore.open({ ...options, storeDir: this.storeDir });
      process.once("exit", this.closeOnExit);
    }
    return this.opened;
  }

  /** The local store, unless the nix realiser builds (Nix keeps its own store). */
  localStore(): LocalStore | undefined {
    return this.usesNix ? undefined : this.store();
  }

  /** The realiser the command line asks for (local when the command has no `--realiser`), made once, over {@link CommandSession.localStore}. */
  realiser(): Realiser {
    this.made ??= makeRealiser(this.settings, this.localStore());
    return this.made;
  }

  /** Closes the store, if it was opened; the session may open it again. */
  close(): void {
    process.off("exit", this.closeOnExit);
    const store = this.opened;
    this.opened = undefined;
    this.made = undefined;
    store?.close();
  }
}

/** Runs `use` with a session over `settings`, and closes the session after it, also when it throws. */
export async function withSession<T>(settings: RealiserSettings, use: (session: CommandSession) => Promise<T>): Promise<T> {
  const session = new CommandSession(settings);
  try {
    return await use(session);
  } finally {
    session.close();
  }
}
