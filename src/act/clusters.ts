// Co-failure clusters recomputed with verdicts: the project's flaky tests' histories through
// analyze/clusters.ts, matched to the stored clusters (a cluster keeps its id while it lasts), saved with the
// notification of each new one. The cost is that of the flaky tests, not of all the project's tests.
import { detectClusters, type FoundCluster } from "../analyze/clusters.ts";
import { explainCluster, sharedFailures } from "../analyze/cluster-explain.ts";
import { newId } from "../lib/ids.ts";
import type { Cluster } from "../model/cluster.ts";
import type { Project } from "../model/project.ts";
import type { ReportCache } from "../store/history.ts";
import type { Store } from "../store/index.ts";
import { clusterFoundWrite } from "../notify/changes.ts";

/** A found cluster is the stored one it shares at least this share of members with (Jaccard): the same cause. */
export const SAME_CLUSTER = 0.5;

/**
 * Recomputes a project's clusters when a rescore of `scored` tests may have moved them: one of them is flaky
 * now, or a member of a stored cluster. Returns the clusters found new (none when nothing was recomputed).
 */
export async function recomputeClusters(
  store: Store,
  project: Project,
  scored: readonly string[],
  historyLimit: number,
  now: number,
  reports: ReportCache = new Map(),
): Promise<Cluster[]> {
  const flaky = await store.verdicts.testIdsWithStatus(project.id, "flaky");
  const stored = await store.clusters.listClusters(project.id);
  const relevant = new Set([...flaky, ...stored.flatMap((c) => c.testIds)]);
  if (!scored.some((id) => relevant.has(id))) return [];
  const histories = flaky.length > 0 ? await store.history.observations(flaky, historyLimit, reports) : new Map();
  const names = await store.quarantine.identities(project.id, flaky);
  const found = detectClusters(
    flaky.map((id) => ({ id, suite: names.get(id)?.suite ?? "", history: histories.get(id) ?? [] })),
  );
  // Each member's stack makes its own fingerprint of one cause: the messages say what they share.
  const groups = await store.failures.groupsByFingerprint(project.id, [
    ...new Set(found.flatMap((c) => c.stats.prints.flat())),
  ]);
  const messages = new Map<string, string>();
  for (const [fp, g] of groups) if (g.message) messages.set(fp, g.message);
  const next = matchClusters(project.id, found, stored, now, ({ stats }) => {
    const shared = sharedFailures(stats, messages);
    const { prints: _, ...figures } = stats;
    return { ...figures, text: explainCluster(stats, shared), fingerprints: shared };
  });
  const fresh = next.filter((c) => c.foundAt === now && !stored.some((s) => s.id === c.id));
  await store.clusters.saveClusters(project.id, next, await clusterFoundWrite(store, project, fresh, names, now));
  return fresh;
}

/** The found clusters as stored ones: each takes the id and first-found time of the stored cluster most like it. */
function matchClusters(
  projectId: string,
  found: FoundCluster[],
  stored: Cluster[],
  now: number,
  evidence: (c: FoundCluster) => Cluster["evidence"],
): Cluster[] {
  const taken = new Set<string>();
  return found.map((c) => {
    let best: Cluster | null = null;
    let bestScore = SAME_CLUSTER;
    for (const s of stored) {
      const score = jaccard(c.tests, s.testIds);
      if (!taken.has(s.id) && score >= bestScore) [best, bestScore] = [s, score];
    }
    if (best) taken.add(best.id);
    return {
      id: best?.id ?? newId(now),
      projectId,
      testIds: c.tests,
      coFailures: c.stats.coFailures,
      failures: c.stats.failures,
      evidence: evidence(c),
      foundAt: best?.foundAt ?? now,
      updatedAt: now,
    };
  });
}

/** |a ∩ b| / |a ∪ b|. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const set = new Set(a);
  const both = b.filter((x) => set.has(x)).length;
  return both / (set.size + b.length - both || 1);
}
