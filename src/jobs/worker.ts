import { randomBytes } from "node:crypto";
import type { Logger } from "../lib/log.ts";
import type { JobMetrics } from "../metrics/jobs.ts";
import type { Job } from "../model/job.ts";
import type { ClaimOptions, JobStore } from "../store/jobs.ts";
import type { JobDeps, JobRegistry } from "./definition.ts";

/** Worker settings. */
export interface WorkerOptions {
  jobs: JobStore;
  registry: JobRegistry;
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
  /** Jobs run at once by `startWorker` (default 1), besides the spare loop. */
  concurrency?: number;
  /**
   * Adds a spare loop that runs only jobs of projects no worker runs a job of now (default true): another
   * project's small report is stored and scored while a huge one is in flight, instead of waiting behind it.
   */
  spareLoop?: boolean;
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

/**
 * Claims one due job and runs it — with more due jobs of its kind when the kind runs in batches; false
 * when there was none. Failures are recorded, each job on its own, for a retry with backoff. Jobs of
 * projects that no worker runs a job of come first; `claim.idleProjectsOnly` takes only those. A batch
 * holds jobs of one project (or, for kinds of no project, any).
 */
export async function runNextJob(o: WorkerOptions, workerId: string, claim: ClaimOptions = {}): Promise<boolean> {
  const leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
  const first = await o.jobs.claimJob(workerId, o.clock(), leaseMs, claim);
  if (!first) return false;
  const def = o.registry.get(first.kind);
  const more = def?.runBatch ? (def.batchSize?.(o.deps) ?? 1) - 1 : 0;
  // The batch's other jobs are of the first one's project: taken along, another project's would wait for it.
  const projectId = (first.payload as { projectId?: unknown }).projectId;
  const same = typeof projectId === "string" ? { projectId } : claim;
  const jobs = [first, ...(await o.jobs.claimJobsOfKind(workerId, o.clock(), leaseMs, first.kind, more, same))];
  const started = performance.now();
  const heartbeat = setInterval(
    () => {
      for (const job of jobs) {
        o.jobs
          .renewLease(job.id, workerId, o.clock() + leaseMs, o.clock())
          .catch((e: unknown) => o.log.warn({ err: e, job: job.id }, "could not renew the job's lease"));
      }
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref();
  try {
    let errors: Map<number, unknown>;
    try {
      if (!def) throw new Error(`unknown job kind '${first.kind}'`);
      if (def.runBatch && jobs.length > 1) errors = await def.runBatch(jobs, o.deps);
      else errors = await def.run(first, o.deps).then(() => new Map());
    } catch (e) {
      errors = new Map(jobs.map((job) => [job.id, e])); // the whole batch is retried
    }
    const seconds = (performance.now() - started) / 1000;
    const done = jobs.filter((job) => !errors.has(job.id));
    await o.jobs.completeJobs(
      done.map((job) => job.id),
      o.clock(),
    );
    for (const job of done) {
      o.metrics?.duration.observe({ kind: job.kind, outcome: "ok" }, seconds);
      o.log.info(
        {
          job: job.id,
          kind: job.kind,
          ms: Math.round(seconds * 1000),
          batch: jobs.length > 1 ? jobs.length : undefined,
        },
        "job done",
      );
    }
    for (const job of jobs) if (errors.has(job.id)) await failed(o, job, errors.get(job.id), seconds);
  } finally {
    clearInterval(heartbeat);
  }
  return true;
}

async function failed(o: WorkerOptions, job: Job, e: unknown, seconds: number): Promise<void> {
  const backoff = Math.min(60_000 * 2 ** (job.attempts - 1), 3_600_000);
  const retryAt = (e as { retryAt?: unknown }).retryAt; // a rate-limited call says when to come back
  const message = (e as Error).message ?? String(e);
  await o.jobs.failJob(job, message, o.clock(), typeof retryAt === "number" ? retryAt : o.clock() + backoff);
  o.metrics?.duration.observe({ kind: job.kind, outcome: "failed" }, seconds);
  o.log.warn({ job: job.id, kind: job.kind, attempt: job.attempts, err: e }, "job failed");
  if (job.attempts < job.maxAttempts) return;
  try {
    await o.registry.get(job.kind)?.onDead?.(job, message, o.deps);
  } catch (err) {
    o.log.error({ job: job.id, kind: job.kind, err }, "could not record a job given up on");
  }
}

/** A new worker id: unique per process and start. */
export function newWorkerId(): string {
  return `worker-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/**
 * The worker loops of a process, `configured` unless 0: then one on SQLite and PGlite, two on PostgreSQL.
 * One connection serialises the embedded backends' transactions, so a second loop only split a burst of
 * queued reports into smaller batches, each with its own commit (bench:ingest on SQLite: 17 % less CPU and
 * 20 % more results/s with one loop); PostgreSQL runs two loops' transactions side by side (with one: −40 %).
 */
export function workerConcurrency(configured: number, backend: "sqlite" | "pglite" | "postgres"): number {
  if (configured > 0) return configured;
  return backend === "postgres" ? 2 : 1;
}

/**
 * Starts `concurrency` loops (default 1) that claim due jobs from the database queue and run them: on
 * PostgreSQL two let one batch of reports parse while another is written (workerConcurrency). Plus, unless
 * `spareLoop` is false, one spare loop for idle projects' jobs only: with every loop busy with one project's
 * huge report or rescore, a FIFO queue made a 3-test report of another project wait 20–318 s (issue 22). It
 * never takes a second job of a busy project, so a single project's burst is still stored in the big
 * batches of one loop (on SQLite the cheapest), and on SQLite its transactions take turns with the other
 * loop's at the writer lock: the long jobs' loops give the event loop turns (lib/yield.ts), and the long
 * writes are split into chunks.
 */
export function startWorker(o: WorkerOptions): Worker {
  const id = newWorkerId();
  let stopping = false;
  const sleepers = new Set<() => void>();
  const idle = () =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, o.pollMs ?? 1000);
      sleepers.add(wake);
    });
  const loop = async (claim: ClaimOptions) => {
    while (!stopping) {
      let worked = false;
      try {
        worked = await runNextJob(o, id, claim);
      } catch (e) {
        o.log.error({ err: e }, "job queue unavailable");
      }
      if (!worked && !stopping) await idle();
    }
  };
  const loops = Array.from({ length: Math.max(1, o.concurrency ?? 1) }, () => loop({}));
  if (o.spareLoop ?? true) loops.push(loop({ idleProjectsOnly: true }));
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };
  return {
    wake: wakeAll,
    stop: async () => {
      stopping = true;
      wakeAll();
      await Promise.all(loops);
    },
  };
}
