// The clusters section of bench:accuracy (`--clusters`): histories with planted co-failure clusters
// (src/demo/clusters.ts) replayed offline (accuracy-offline.ts: the server's parser, incident rule and scorer),
// and after every report the clusters computed as the server does — over the flaky tests' windows. Targets
// (issue 27): each planted cluster's best-matching found cluster at Jaccard ≥ 0.8 (mean ≥ 0.9); ≥ 95 % of the
// tests in found clusters in the planted cluster they matched; no independent flaky test in a cluster; clusters
// found within the reports their members' verdicts need.
import { HISTORY_LIMIT } from "../../src/act/rescore.ts";
import { jaccard } from "../../src/act/clusters.ts";
import { detectClusters, type FoundCluster } from "../../src/analyze/clusters.ts";
import { generateHistory } from "../../src/demo/generate.ts";
import type { DemoHistory } from "../../src/demo/types.ts";
import { replayOffline, type ReplayState } from "./accuracy-offline.ts";

/** Clusters planted in each bench history. */
export const PLANTED_CLUSTERS = 6;

/** One seed's figures. */
export interface ClusterFigures {
  planted: number;
  found: number;
  /** Per planted cluster: the best Jaccard of a found cluster at the end. */
  jaccard: number[];
  /** Tests in found clusters, and those in the planted cluster their cluster matched. */
  inClusters: number;
  matched: number;
  /** Truly independent flaky tests (flaky, no cluster) put in a cluster. */
  independentIn: number;
  /** Per planted cluster: its members' median runs when their verdicts turned flaky, and when the cluster was first found (J ≥ 0.5). */
  verdictRuns: number[];
  clusterRuns: (number | null)[];
  /** Time spent computing clusters, and reports replayed. */
  clusterMs: number;
  reports: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The clusters among the flaky tests at this point of the replay, as act/clusters.ts computes them. */
function clustersNow(state: ReplayState): FoundCluster[] {
  const candidates = [];
  for (const [key, s] of state.status) {
    if (s !== "flaky") continue;
    const all = state.observations.get(key) ?? [];
    candidates.push({ id: key, suite: key.split("::")[0], history: all.slice(-HISTORY_LIMIT) });
  }
  return detectClusters(candidates);
}

/** Replays one history and measures its clusters. */
export async function clusterFigures(history: DemoHistory): Promise<ClusterFigures> {
  const planted = new Map<number, string[]>();
  for (const [key, t] of Object.entries(history.truth))
    if (t.cluster !== undefined) planted.set(t.cluster, [...(planted.get(t.cluster) ?? []), key]);
  const firstFound = new Map<number, number>(); // planted id → median member runs when first found
  const flakyAt = new Map<string, number>(); // member → runs when first called flaky
  let found: FoundCluster[] = [];
  let clusterMs = 0;
  let reports = 0;
  await replayOffline(history, {
    afterReport(state) {
      reports = state.n;
      for (const [key, s] of state.status)
        if (s === "flaky" && history.truth[key]?.cluster !== undefined && !flakyAt.has(key))
          flakyAt.set(key, state.runs.get(key) ?? 0);
      const started = performance.now();
      found = clustersNow(state);
      clusterMs += performance.now() - started;
      for (const [id, members] of planted) {
        if (firstFound.has(id) || !found.some((c) => jaccard(c.tests, members) >= 0.5)) continue;
        firstFound.set(id, median(members.map((k) => state.runs.get(k) ?? 0)));
      }
    },
  });
  let inClusters = 0;
  let matched = 0;
  let independentIn = 0;
  for (const c of found) {
    let best: string[] = [];
    for (const members of planted.values()) if (jaccard(c.tests, members) > jaccard(c.tests, best)) best = members;
    inClusters += c.tests.length;
    matched += c.tests.filter((k) => best.includes(k)).length;
    independentIn += c.tests.filter((k) => {
      const t = history.truth[k];
      return (t?.kind === "flaky" || t?.kind === "flaky-variant") && t.cluster === undefined;
    }).length;
  }
  const ids = [...planted.keys()].sort((a, b) => a - b);
  return {
    planted: planted.size,
    found: found.length,
    jaccard: ids.map((id) => Math.max(0, ...found.map((c) => jaccard(c.tests, planted.get(id) ?? [])))),
    inClusters,
    matched,
    independentIn,
    verdictRuns: ids.map((id) =>
      median((planted.get(id) ?? []).map((k) => flakyAt.get(k) ?? NaN).filter((x) => !Number.isNaN(x))),
    ),
    clusterRuns: ids.map((id) => firstFound.get(id) ?? null),
    clusterMs,
    reports,
  };
}

/** Runs the section over `seeds` and prints a line per seed and the totals. */
export async function clustersSection(seeds: number[], size: { tests?: number; commits?: number }): Promise<void> {
  const all: ClusterFigures[] = [];
  for (const seed of seeds) {
    const history = generateHistory({ seed, ...size, clusters: PLANTED_CLUSTERS });
    const f = await clusterFigures(history);
    all.push(f);
    const delays = f.clusterRuns.map((r, i) => (r === null ? "never" : `${r} vs ${f.verdictRuns[i]}`));
    console.log(
      `seed ${seed}: ${f.planted} planted, ${f.found} found; Jaccard ${f.jaccard.map((j) => j.toFixed(2)).join(" ")}; ` +
        `${f.matched} of ${f.inClusters} clustered tests in their matched cluster; ${f.independentIn} independent flaky tests clustered; ` +
        `found at median member run (cluster vs verdicts) ${delays.join(", ")}; ${(f.clusterMs / f.reports).toFixed(2)} ms a report`,
    );
  }
  const jac = all.flatMap((f) => f.jaccard);
  const inClusters = all.reduce((a, f) => a + f.inClusters, 0);
  const matched = all.reduce((a, f) => a + f.matched, 0);
  const lag = all.flatMap((f) => f.clusterRuns.map((r, i) => (r === null ? null : r - f.verdictRuns[i])));
  const found = lag.filter((x): x is number => x !== null);
  console.log(
    `\nclusters over seeds ${seeds.join(", ")}: Jaccard min ${Math.min(...jac).toFixed(3)}, mean ${(jac.reduce((a, b) => a + b, 0) / jac.length).toFixed(3)}; ` +
      `purity ${(matched / Math.max(1, inClusters)).toFixed(3)} (${matched}/${inClusters}); independent flaky tests clustered ${all.reduce((a, f) => a + f.independentIn, 0)}; ` +
      `found ${found.length} of ${lag.length}, runs after the members' verdicts: median ${median(found)}, max ${Math.max(...found)}; ` +
      `clustering ${(all.reduce((a, f) => a + f.clusterMs, 0) / all.reduce((a, f) => a + f.reports, 0)).toFixed(2)} ms a report`,
  );
}
