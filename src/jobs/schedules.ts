import { Cron } from "croner";
import type { Logger } from "../lib/log.ts";
import { RESCORE_JOB } from "../pipeline.ts";
import type { Store } from "../store/index.ts";

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
  return { stop: () => rescore.stop() };
}
