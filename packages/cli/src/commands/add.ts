/** `kiln add` (being written). */
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";

export const addCommand: Command = {
  name: "add",
  summary: "(not yet available)",
  usage: "add",
  options: [],
  async run() {
    throw new UsageError("'kiln add' is not available yet");
  },
};
