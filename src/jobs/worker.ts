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
  /** How long a claimed job is ours before another worker may take it over (a dead worker's job returns). */
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

/** Claims one due job and runs it; false when there was none. Failures are recorded for a retry with backoff. */
export async function runNextJob(o: WorkerOptions, workerId: string): Promise<boolean> {
  const job = await o.jobs.claimJob(workerId, o.clock(), o.leaseMs ?? 5 * 60_000);
  if (!job) return false;
  const def = o.registry.get(job.kind);
  const started = performance.now();
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
