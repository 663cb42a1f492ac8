// Acting on a cluster at once: quarantine or release all its members with one reason and owner — the cause is
// one, so is the decision. Each member goes through the same manual quarantine as one test (audit log, events).
import { AppError, notFound } from "../lib/errors.ts";
import type { Cluster } from "../model/cluster.ts";
import type { Project } from "../model/project.ts";
import type { Store } from "../store/index.ts";
import { quarantineTest, releaseTest, type ManualQuarantine } from "./quarantine.ts";

/** Which members a bulk action changed, and which it left as they were (already quarantined, or not). */
export interface ClusterAction {
  cluster: Cluster;
  changed: string[];
  unchanged: string[];
}

/** Quarantines every member of a cluster not quarantined yet; 404 unknown cluster, 409 when all already are. */
export async function quarantineCluster(
  store: Store,
  project: Project,
  clusterId: string,
  input: Omit<ManualQuarantine, "testId">,
  actor: string,
  now: number,
): Promise<ClusterAction> {
  const { cluster, held } = await clusterAndQuarantines(store, project, clusterId);
  const todo = cluster.testIds.filter((id) => !held.has(id));
  if (todo.length === 0)
    throw new AppError(409, "conflict", `every test of cluster '${clusterId}' is already quarantined`);
  for (const testId of todo) await quarantineTest(store, project, { ...input, testId }, actor, now);
  return { cluster, changed: todo, unchanged: cluster.testIds.filter((id) => held.has(id)) };
}

/** Releases every quarantined member of a cluster; 404 unknown cluster, 409 when none is quarantined. */
export async function releaseCluster(
  store: Store,
  project: Project,
  clusterId: string,
  reason: string,
  actor: string,
  now: number,
): Promise<ClusterAction> {
  const { cluster, held } = await clusterAndQuarantines(store, project, clusterId);
  const todo = cluster.testIds.filter((id) => held.has(id));
  if (todo.length === 0) throw new AppError(409, "conflict", `no test of cluster '${clusterId}' is quarantined`);
  for (const testId of todo) await releaseTest(store, project, testId, actor, reason, now);
  return { cluster, changed: todo, unchanged: cluster.testIds.filter((id) => !held.has(id)) };
}

async function clusterAndQuarantines(store: Store, project: Project, clusterId: string) {
  const cluster = await store.clusters.getCluster(project.id, clusterId);
  if (!cluster) throw notFound(`cluster '${clusterId}' in project '${project.slug}'`);
  const held = await store.quarantine.activeFor(cluster.testIds);
  return { cluster, held };
}
