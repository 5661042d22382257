import { describe, expect, it } from "vitest";
import { COMMAND_LOADERS } from "./command-loaders.js";
import { COMMANDS } from "./index.js";

describe("command loaders", () => {
  it("every command has a loader of its own, which gives that very command, and no loader names a command that does not exist", async () => {
    for (const command of COMMANDS) {
      const load = COMMAND_LOADERS[command.name];
      expect(load, `'${command.name}' has no loader in command-loaders.ts: add it, or every run of it loads every command`).toBeDefined();
      expect(await load?.()).toBe(command);
    }
    expect(Object.keys(COMMAND_LOADERS).sort()).toEqual(COMMANDS.map((command) => command.name).sort());
  });
});
