/**
 * Ordering nodes so that each comes after what it depends on (a depth-first
 * post-order), as Nix orders the paths of a closure for export and the
 * derivations of a build. Iterative, so deep graphs do not overflow the
 * stack; a cycle does not loop (a node on it comes once, where first left).
 */

/**
 * The nodes reachable from `roots`, each after the nodes `dependencies`
 * gives for it. Roots and dependencies are visited in the order given.
 */
export function dependenciesFirst(roots: Iterable<string>, dependencies: (node: string) => Iterable<string>): string[] {
  const ordered: string[] = [];
  const done = new Set<string>();
  const stack: { node: string; expanded: boolean }[] = [...roots].reverse().map((node) => ({ node, expanded: false }));
  while (stack.length > 0) {
    const frame = stack.pop() as { node: string; expanded: boolean };
    if (done.has(frame.node)) continue;
    if (frame.expanded) {
      done.add(frame.node);
      ordered.push(frame.node);
      continue;
    }
    stack.push({ node: frame.node, expanded: true });
    for (const dependency of [...dependencies(frame.node)].reverse()) if (!done.has(dependency)) stack.push({ node: dependency, expanded: false });
  }
  return ordered;
}
