/**
 * Systemic flakiness: among a project's flaky tests, the groups whose failures co-occur in the same reports
 * (same run, job, attempt and variant) far more often than their own failure rates make chance. Pure: the
 * flaky tests' histories in, clusters out; the time is the newest observation's, so the same histories give
 * the same clusters whenever and wherever they are computed. docs/detection.md states the rule.
 */
import type { Observation } from "../model/verdict.ts";
import { cohesiveGroups } from "./cluster-group.ts";
import { benjaminiHochberg, coFailureTail } from "./cluster-stats.ts";
import { CLUSTER_FDR, MIN_CO_FAILURES } from "./cluster-constants.ts";
import { clusterStats, type ClusterStats } from "./cluster-explain.ts";
import { HALF_LIFE_MS } from "./score-constants.ts";
import { decay } from "./stats.ts";
import { Reports } from "./cluster-reports.ts";

/** A flaky test and its history (the window its verdict was scored from). */
export interface ClusterCandidate {
  id: string;
  suite: string;
  history: readonly Observation[];
}

/** A cluster found: its members (ids, sorted) and what it rests on. */
export interface FoundCluster {
  tests: string[];
  stats: ClusterStats;
}

/** The co-failure clusters among `candidates` (the project's flaky tests), largest first. */
export function detectClusters(candidates: readonly ClusterCandidate[]): FoundCluster[] {
  const sorted = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const reports = new Reports(sorted.map((c) => c.history));
  const weights = reports.weights((age) => decay(age, HALF_LIFE_MS));
  const pairs: [number, number][] = [];
  const pValues: number[] = [];
  for (const [i, j] of reports.pairsFailingTogether(MIN_CO_FAILURES)) {
    const c = reports.counts(i, j, weights);
    const k = Math.round(c.both);
    if (k < MIN_CO_FAILURES) continue;
    pairs.push([i, j]);
    pValues.push(coFailureTail(Math.round(c.ran), Math.round(c.a), Math.round(c.b), k));
  }
  const significant = benjaminiHochberg(pValues, (sorted.length * (sorted.length - 1)) / 2, CLUSTER_FDR);
  const links: number[][] = sorted.map(() => []);
  for (const index of significant) {
    const [i, j] = pairs[index];
    links[i].push(j);
    links[j].push(i);
  }
  return cohesiveGroups(links).map((group) => ({
    tests: group.map((i) => sorted[i].id),
    stats: clusterStats(
      group.map((i) => sorted[i].suite),
      group,
      reports,
      weights,
    ),
  }));
}
