/** `kiln diff` (being written). */
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";

export const diffCommand: Command = {
  name: "diff",
  summary: "(not yet available)",
  usage: "diff",
  options: [],
  async run() {
    throw new UsageError("'kiln diff' is not available yet");
  },
};
