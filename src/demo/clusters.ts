/**
 * Planted co-failure clusters (issue 27): groups of 4–15 tests of one job, in different suites, that fail
 * together when a shared cause fires (a flaky sandbox, a shared fixture) at 3–20 % of that job's runs, on
 * every OS or one; half of the members are also flaky on their own.
 */
import { JOBS, type SimTest } from "./population.ts";
import type { Random } from "./random.ts";

/** One planted cluster: its shared cause's rate per job run, and the OS it fires on (all when unset). */
export interface PlantedCluster {
  id: number;
  job: string;
  rate: number;
  os?: string;
  /** Which failure text the cause prints (messages.ts clusterFailure). */
  cause: number;
}

/**
 * Turns healthy tests into cluster members; returns the clusters. Members of a job are taken suite by suite
 * (one per suite before a second from any), so a cluster spans as many suites as the job has.
 */
export function planClusters(rng: Random, tests: SimTest[], count: number, oses: readonly string[]): PlantedCluster[] {
  const clusters: PlantedCluster[] = [];
  for (let id = 0; id < count; id++) {
    const job = JOBS[id % JOBS.length];
    const free = rng.shuffle(tests.filter((t) => t.job === job && t.truth.kind === "healthy" && !t.inner));
    const bySuite = new Map<string, SimTest[]>();
    for (const t of free) bySuite.set(t.suite, [...(bySuite.get(t.suite) ?? []), t]);
    const spread: SimTest[] = [];
    for (let round = 0; spread.length < free.length; round++)
      for (const group of bySuite.values()) if (group[round]) spread.push(group[round]);
    const size = Math.min(rng.int(4, 15), spread.length);
    if (size < 4) continue;
    const cluster: PlantedCluster = {
      id,
      job,
      rate: Math.round((0.03 + rng.next() * 0.17) * 1000) / 1000,
      ...(id % 2 === 1 ? { os: rng.pick([...oses]) } : {}),
      cause: rng.int(0, 2),
    };
    clusters.push(cluster);
    for (const member of spread.slice(0, size)) {
      const own = rng.chance(0.5) ? Math.round((0.01 + rng.next() * 0.04) * 1000) / 1000 : 0;
      member.truth = { kind: "flaky", rate: own, cluster: id };
    }
  }
  return clusters;
}

/** The clusters whose cause fires in one job execution on `os`. */
export function firingClusters(rng: Random, clusters: readonly PlantedCluster[], job: string, os: string): Set<number> {
  const out = new Set<number>();
  for (const c of clusters) if (c.job === job && (!c.os || c.os === os) && rng.chance(c.rate)) out.add(c.id);
  return out;
}
