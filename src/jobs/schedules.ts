import { Cron } from "croner";
import type { Logger } from "../lib/log.ts";
import { RESCORE_JOB } from "../pipeline.ts";
import type { Store } from "../store/index.ts";
import { RELEASE_QUARANTINE_JOB } from "./release-quarantine.ts";

/** Running schedules. */
export interface Scheduler {
  stop(): void;
}

/** What the schedules need. */
export interface ScheduleOptions {
  store: Store;
  clock: () => number;
  log: Logger;
  /** Cron expression of the full rescore. */
  rescore: string;
  /** Wakes the worker after jobs were enqueued. */
  wake: () => void;
}

/** Starts the croner schedules; each tick enqueues durable jobs, which the worker runs. */
export function startSchedules(o: ScheduleOptions): Scheduler {
  const rescore = new Cron(o.rescore, { protect: true, catch: (e) => o.log.error({ err: e }, "schedule failed") }, async () => {
    for (const p of await o.store.projects.listProjects()) {
      await o.store.jobs.enqueueJob({ kind: RESCORE_JOB, payload: { projectId: p.id } }, o.clock());
    }
    o.wake();
  });
  // Every 10 minutes: expiry is a promise to people, so it should not wait for the hourly rescore.
  const expiry = new Cron("*/10 * * * *", { protect: true, catch: (e) => o.log.error({ err: e }, "schedule failed") }, async () => {
    await o.store.jobs.enqueueJob({ kind: RELEASE_QUARANTINE_JOB, payload: {} }, o.clock());
    o.wake();
  });
  return { stop: () => { rescore.stop(); expiry.stop(); } };
}
