import { randomBytes } from "node:crypto";
import type { Logger } from "../lib/log.ts";
import type { JobMetrics } from "../metrics/jobs.ts";
import type { JobStore } from "../store/jobs.ts";
import type { JobDefinition, JobDeps } from "./registry.ts";

/** Worker settings. */
export interface WorkerOptions {
  jobs: JobStore;
  registry: ReadonlyMap<string, JobDefinition>;
  deps: JobDeps;
  log: Logger;
  clock: () => number;
  /**
   * How long a claimed job is ours without a sign of life: the worker renews the lease every third of it
   * while the job runs, so a job outlives it only when its worker died, and then another worker takes it over.
   */
  leaseMs?: number;
  /** How often an idle worker looks for due jobs. */
  pollMs?: number;
  /** Job durations by kind and outcome. */
  metrics?: JobMetrics;
}

/** A running worker loop. */
export interface Worker {
  /** Looks for work now instead of at the next poll. */
  wake(): void;
  /** Stops after the current job; resolves when it has. */
  stop(): Promise<void>;
}

/** A job's lease when none is configured (renewed while it runs). */
export const DEFAULT_LEASE_MS = 60_000;

/** Claims one due job and runs it; false when there was none. Failures are recorded for a retry with backoff. */
export async function runNextJob(o: WorkerOptions, workerId: string): Promise<boolean> {
  const leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
  const job = await o.jobs.claimJob(workerId, o.clock(), leaseMs);
  if (!job) return false;
  const def = o.registry.get(job.kind);
  const started = performance.now();
  const heartbeat = setInterval(() => {
    o.jobs.renewLease(job.id, workerId, o.clock() + leaseMs, o.clock())
      .catch((e: unknown) => o.log.warn({ err: e, job: job.id }, "could not renew the job's lease"));
  }, Math.max(100, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  try {
    if (!def) throw new Error(`unknown job kind '${job.kind}'`);
    await def.run(job, o.deps);
    await o.jobs.completeJob(job.id, o.clock());
    o.metrics?.duration.observe({ kind: job.kind, outcome: "ok" }, (performance.now() - started) / 1000);
    o.log.info({ job: job.id, kind: job.kind, ms: Math.round(performance.now() - started) }, "job done");
  } catch (e) {
    const backoff = Math.min(60_000 * 2 ** (job.attempts - 1), 3_600_000);
    const retryAt = (e as { retryAt?: unknown }).retryAt; // a rate-limited call says when to come back
    await o.jobs.failJob(job, (e as Error).message ?? String(e), o.clock(), typeof retryAt === "number" ? retryAt : o.clock() + backoff);
    o.metrics?.duration.observe({ kind: job.kind, outcome: "failed" }, (performance.now() - started) / 1000);
    o.log.warn({ job: job.id, kind: job.kind, attempt: job.attempts, err: e }, "job failed");
  } finally {
    clearInterval(heartbeat);
  }
  return true;
}

/** A new worker id: unique per process and start. */
export function newWorkerId(): string {
  return `worker-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** Starts a loop that claims due jobs from the database queue and runs them, one at a time. */
export function startWorker(o: WorkerOptions): Worker {
  const id = newWorkerId();
  let stopping = false;
  let wake: () => void = () => undefined;
  const idle = () => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, o.pollMs ?? 1000);
    wake = () => { clearTimeout(timer); resolve(); };
  });
  const loop = (async () => {
    while (!stopping) {
      let worked = false;
      try {
        worked = await runNextJob(o, id);
      } catch (e) {
        o.log.error({ err: e }, "job queue unavailable");
      }
      if (!worked && !stopping) await idle();
    }
  })();
  return {
    wake: () => wake(),
    stop: async () => {
      stopping = true;
      wake();
      await loop;
    },
  };
}
