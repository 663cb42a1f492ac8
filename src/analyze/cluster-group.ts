/** Groups from significant pairs: connected tests, peeled until each member is linked to most of the others. */
import { MIN_CLUSTER_SIZE, MIN_LINKED_SHARE } from "./cluster-constants.ts";

/**
 * The groups of at least `MIN_CLUSTER_SIZE` nodes in which every member is linked to `MIN_LINKED_SHARE` of
 * the others. Each connected component is peeled (least linked member first, ties by smallest index) until
 * that holds; what is peeled off is grouped again on its own. Nodes are 0…n−1, `links` an adjacency list.
 */
export function cohesiveGroups(links: readonly (readonly number[])[]): number[][] {
  const out: number[][] = [];
  const pending: number[][] = [];
  const all = links.map((_, i) => i).filter((i) => links[i].length > 0);
  pending.push(all);
  while (pending.length > 0) {
    const nodes = pending.pop() as number[];
    for (const component of components(nodes, links)) {
      if (component.length < MIN_CLUSTER_SIZE) continue;
      const { core, peeled } = peel(component, links);
      if (core.length >= MIN_CLUSTER_SIZE) out.push(core.sort((a, b) => a - b));
      if (peeled.length >= MIN_CLUSTER_SIZE) pending.push(peeled);
    }
  }
  return out.sort((a, b) => b.length - a.length || a[0] - b[0]);
}

// Connected components of `nodes`, following only links between them.
function components(nodes: readonly number[], links: readonly (readonly number[])[]): number[][] {
  const inside = new Set(nodes);
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const start of nodes) {
    if (seen.has(start)) continue;
    const component: number[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const node = stack.pop() as number;
      component.push(node);
      for (const next of links[node])
        if (inside.has(next) && !seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
    }
    out.push(component);
  }
  return out;
}

// Removes the least linked member while it is linked to fewer than MIN_LINKED_SHARE of the others.
function peel(
  component: readonly number[],
  links: readonly (readonly number[])[],
): { core: number[]; peeled: number[] } {
  const core = new Set(component);
  const degree = new Map<number, number>();
  for (const node of component) degree.set(node, links[node].filter((n) => core.has(n)).length);
  const peeled: number[] = [];
  while (core.size > 0) {
    let worst = -1;
    for (const node of core) {
      const d = degree.get(node) as number;
      if (worst < 0 || d < (degree.get(worst) as number) || (d === degree.get(worst) && node < worst)) worst = node;
    }
    if ((degree.get(worst) as number) >= MIN_LINKED_SHARE * (core.size - 1)) break;
    core.delete(worst);
    peeled.push(worst);
    for (const n of links[worst]) if (core.has(n)) degree.set(n, (degree.get(n) as number) - 1);
  }
  return { core: [...core], peeled };
}
