/**
 * `kiln graph FILE.ts#attr [--format dot|mermaid|json]`: the derivation
 * graph, to look at (`kiln graph … | dot -Tsvg > graph.svg`).
 */
import { buildDerivationGraph, instantiate, parseStorePath, targetsOf, topologicalOrder } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { choice } from "../settings/typed-option.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";

export const graphCommand = defineCommand({
  name: "graph",
  summary: "Print the derivation graph of a config as DOT, Mermaid or JSON",
  usage: "graph FILE.ts[#attr.path] [--format dot|mermaid|json]",
  options: [choice("format", { value: "FORMAT", description: "dot (default), mermaid or json" }, ["dot", "mermaid", "json"], "dot", (given) => `unknown graph format '${given}' (expected dot, mermaid or json)`)],
  async run(settings, io, session) {
    const { format } = settings;
    const storeDir = session.storeDir;
    const found = await instantiate(singleInstallable(settings, "graph"), { ...evaluateOptions(settings, settings.positionals[0]), storeDir });
    const roots = found.map(({ derivation }) => derivation);
    const graph = buildDerivationGraph(roots);
    const order = topologicalOrder(graph, targetsOf(roots));
    const name = (path: string): string => parseStorePath(path, storeDir).name;
    const edges = order.flatMap((drvPath) => [...(graph.derivations.get(drvPath)?.inputDrvs.keys() ?? [])].map((input) => [input, drvPath] as const));
    if (format === "json") {
      const nodes = order.map((drvPath) => {
        const drv = graph.derivations.get(drvPath);
        return {
          drvPath,
          name: name(drvPath).replace(/\.drv$/, ""),
          outputs: Object.fromEntries([...(drv?.outputs ?? [])].map(([output, { path }]) => [output, path])),
          inputDrvs: [...(drv?.inputDrvs.keys() ?? [])],
          inputSrcs: [...(drv?.inputSrcs ?? [])],
        };
      });
      io.stdout.write(`${JSON.stringify({ roots: roots.map((root) => root.drvPath), nodes }, null, 2)}\n`);
    } else if (format === "dot") {
      const lines = ["digraph kiln {", "  rankdir=LR;", "  node [shape=box];"];
      for (const drvPath of order) lines.push(`  ${JSON.stringify(drvPath)} [label=${JSON.stringify(name(drvPath).replace(/\.drv$/, ""))}];`);
      for (const [from, to] of edges) lines.push(`  ${JSON.stringify(from)} -> ${JSON.stringify(to)};`);
      lines.push("}");
      io.stdout.write(`${lines.join("\n")}\n`);
    } else {
      const id = new Map(order.map((drvPath, index) => [drvPath, `d${index}`]));
      const lines = ["graph LR"];
      for (const drvPath of order) lines.push(`  ${id.get(drvPath)}["${name(drvPath).replace(/\.drv$/, "").replace(/"/g, "#quot;")}"]`);
      for (const [from, to] of edges) lines.push(`  ${id.get(from)} --> ${id.get(to)}`);
      io.stdout.write(`${lines.join("\n")}\n`);
    }
    return 0;
  },
});
