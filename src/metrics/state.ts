import { Gauge, type Registry } from "prom-client";
import type { Cache } from "../shared-state/cache.ts";
import type { QueueStats } from "../store/jobs.ts";
import type { Store } from "../store/index.ts";
import type { ProjectTestCount } from "../store/stats.ts";

/** What the database-backed gauges show, as cached. */
export interface StateSnapshot {
  queue: QueueStats;
  tests: ProjectTestCount[];
  takenAt: number;
}

/** How long one snapshot serves scrapes (shared by every replica when the cache is Redis). */
export const STATE_CACHE_MS = 30_000;
const CACHE_KEY = "metrics:state:v1";

/**
 * Gauges read from the database on scrape, through a cached snapshot: queue depth and age, each job
 * kind's last success, flaky/broken/quarantined tests per project. One query set per cache period
 * however many replicas Prometheus scrapes; no per-test labels.
 */
export function stateGauges(
  registry: Registry,
  store: Store,
  cache: Cache,
  clock: () => number,
  onError: (e: unknown) => void,
): void {
  let pending: Promise<StateSnapshot | undefined> | undefined;
  let lastGood: StateSnapshot | undefined;
  const snapshot = () => {
    pending ??= (async () => {
      try {
        const hit = await cache.get<StateSnapshot>(CACHE_KEY);
        if (hit) return (lastGood = hit);
        const fresh = {
          queue: await store.jobs.queueStats(),
          tests: await store.stats.countTestsByStatus(),
          takenAt: clock(),
        };
        await cache.set(CACHE_KEY, fresh, STATE_CACHE_MS);
        return (lastGood = fresh);
      } catch (e) {
        // The database is down: /metrics still answers (with the last values) so the process metrics and alerts work.
        onError(e);
        return lastGood;
      } finally {
        // The gauges of one scrape are collected together and share this read; the next scrape asks the cache again.
        pending = undefined;
      }
    })();
    return pending;
  };
  new Gauge({
    name: "flakeguard_queue_depth",
    help: "Jobs in the queue by state (queued, running, dead), cached up to 30 s.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (!s) return;
      this.reset();
      for (const state of ["queued", "running", "dead"]) this.set({ state }, s.queue.byState[state] ?? 0);
    },
  });
  new Gauge({
    name: "flakeguard_queue_oldest_age_seconds",
    help: "How long the oldest due queued job has waited (0 when none), cached up to 30 s.",
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (!s) return;
      const oldest = s.queue.oldestQueuedAt;
      this.set(oldest === null ? 0 : Math.max(0, (s.takenAt - oldest) / 1000));
    },
  });
  new Gauge({
    name: "flakeguard_job_last_success_timestamp_seconds",
    help: "When a job of each kind last succeeded (Unix time), cached up to 30 s.",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (!s) return;
      this.reset();
      for (const [kind, at] of Object.entries(s.queue.lastSuccessAt)) this.set({ kind }, at / 1000);
    },
  });
  new Gauge({
    name: "flakeguard_tests",
    help: "Tests per project by status (flaky, broken, healthy, new, quarantined), cached up to 30 s.",
    labelNames: ["project", "status"],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (!s) return;
      this.reset();
      for (const t of s.tests) this.set({ project: t.project, status: t.status }, t.count);
    },
  });
}
