import { ordinal } from "../config/ordinal";
/**
 * A directed graph over string nodes: "a -> b" means a waits for b. Used for agent
 * dependencies and for container startup order, so both report cycles the same way.
 */
export type Graph = ReadonlyMap<string, readonly string[]>;

/**
 * Strongly connected components that contain a cycle (size > 1, or a self-loop), each as one
 * concrete cycle path `[a, b, ..., a]`. Iterative Tarjan: no recursion limit on 5,000 agents.
 */
export function findCycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const nodes = [...graph.keys()].sort();
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!;
        if (!graph.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && (graph.get(member) ?? []).includes(member);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((c) => cyclePath(graph, new Set(c))).sort((a, b) => ordinal(a[0]!, b[0]!));
}

/** One cycle through a strongly connected component, starting from its smallest node. */
function cyclePath(graph: Graph, members: ReadonlySet<string>): string[] {
  const start = [...members].sort()[0]!;
  // Breadth-first from start back to start inside the component gives a shortest cycle.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of [...(graph.get(node) ?? [])].sort()) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

/**
 * Health-gated startup waves: a node's wave is 1 + the highest wave of what it waits for.
 * Edges inside a cycle are ignored (the cycle is reported separately) so this always ends.
 */
export function startupWaves(graph: Graph): Map<string, number> {
  const wave = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (root: string): void => {
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    visiting.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!;
        if (graph.has(to) && !wave.has(to) && !visiting.has(to)) {
          visiting.add(to);
          work.push({ node: to, edge: 0 });
        }
        continue;
      }
      work.pop();
      visiting.delete(frame.node);
      const deps = edges.filter((d) => wave.has(d)).map((d) => wave.get(d)!);
      wave.set(frame.node, 1 + Math.max(0, ...deps));
    }
  };
  for (const node of [...graph.keys()].sort()) if (!wave.has(node)) visit(node);
  return wave;
}

/**
 * Number of nodes on the longest path, by Kahn's topological order: computed independently of
 * `startupWaves` so the two can check each other. Returns null when the graph has a cycle.
 */
export function longestPathLength(graph: Graph): number | null {
  const waitsFor = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [node, edges] of graph) {
    const inside = edges.filter((e) => graph.has(e));
    waitsFor.set(node, new Set(inside).size);
    for (const to of new Set(inside)) dependents.set(to, [...(dependents.get(to) ?? []), node]);
  }
  const length = new Map<string, number>();
  const ready = [...graph.keys()].filter((n) => waitsFor.get(n) === 0);
  for (const n of ready) length.set(n, 1);
  let seen = 0;
  while (ready.length > 0) {
    const node = ready.pop()!;
    seen++;
    for (const dependent of dependents.get(node) ?? []) {
      length.set(dependent, Math.max(length.get(dependent) ?? 1, length.get(node)! + 1));
      const left = waitsFor.get(dependent)! - 1;
      waitsFor.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (seen !== graph.size) return null;
  return Math.max(0, ...length.values());
}
