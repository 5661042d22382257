/** `kiln rollback` (being written). */
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";

export const rollbackCommand: Command = {
  name: "rollback",
  summary: "(not yet available)",
  usage: "rollback",
  options: [],
  async run() {
    throw new UsageError("'kiln rollback' is not available yet");
  },
};
